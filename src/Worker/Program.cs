using System.Text.Json;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.PluginHost.Containment;
using NetnsPolicy.PluginHost.Isolation;
using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Policies;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

// The sandboxed worker (docs/plugins.md): one WorkerRequest on stdin, the RunResult JSON (run) or a WorkerProbeResult
// (probe) on stdout, then exit: one request per process, so nothing a plugin leaves behind outlives it.
// Exit 0: a result was written (whatever its status). Exit 2: invalid input, WorkerInputErrors on stdout.
// The parent applies the sandbox and the CPU, memory and wall-time limits; whatever happens here cannot harm it.
const int ExitInvalidInput = 2;

// Started ahead of its request (a warm worker): pay the JIT of the engine and the JSON code now, not in the run.
WarmUp();
var stdout = Console.Out;

// Plugin code writing to the console goes to stderr: stdout carries only the answer.
Console.SetOut(Console.Error);

WorkerRequest? request;
try
{
    request = JsonSerializer.Deserialize<WorkerRequest>(await Console.In.ReadToEndAsync().ConfigureAwait(false), WorkerRequest.JsonOptions);
}
catch (JsonException e)
{
    return Invalid([new WorkerFieldError("$", "invalid run request: " + e.Message)]);
}

if (request is null)
{
    return Invalid([new WorkerFieldError("$", "empty run request")]);
}

var pluginsDirectory = Environment.GetEnvironmentVariable("NETNS_POLICY_PLUGINS") is { Length: > 0 } staged ? staged : request.PluginsDirectory;
var containment = ContainmentOptions.Default with
{
    DecisionCpu = TimeSpan.FromMilliseconds(request.DecisionCpuMs),
    DecisionAllocatedBytes = request.DecisionAllocatedBytes,
};
try
{
    // Inside the worker every plugin runs in-process: the worker is the sandbox. The host ran the static check (when
    // it is on) before handing the plugin over; it is feedback for authors, not this process's protection.
    using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = pluginsDirectory, Watch = false, StaticCheck = false, Containment = containment });
    if (request.Mode == WorkerModes.Probe)
    {
        var policies = catalog.List().Where(p => p.Source != "builtin")
            .Select(p => new ProbedPolicy(p.Source, p.AssemblyHash, p.Id, p.Version.ToString(), p.Description, p.Overrides, p.Parameters))
            .ToList();
        var problems = catalog.Problems.Select(p => new WorkerFieldError(Path.GetFileName(p.Path), p.Message)).ToList();
        await stdout.WriteAsync(JsonSerializer.Serialize(new WorkerProbeResult(policies, problems), WorkerRequest.JsonOptions)).ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);
        return 0;
    }

    if (request.Mode != WorkerModes.Run)
    {
        return Invalid([new WorkerFieldError("mode", $"unknown mode '{request.Mode}' (run or probe)")]);
    }

    if (request.Workload is not { } workloadJson)
    {
        return Invalid([new WorkerFieldError("workload", "a run needs its workload")]);
    }

    var workload = WorkloadLoader.Parse(workloadJson.GetRawText());
    var profile = KernelProfileLoader.Load(request.KernelProfile);
    using var lease = catalog.Acquire(request.Policy, request.Parameters);
    if (request.AssemblyHash is { } expected && lease.AssemblyHash != expected)
    {
        return Invalid([new WorkerFieldError("assembly_hash", $"policy '{request.Policy}' has assembly hash {lease.AssemblyHash} here, not the {expected} the run was accepted with")]);
    }

    var run = new SimulationRequest(workload, profile, lease.Policy, lease.Parameters, request.Seed, request.Replication);

    // The worker is the isolation: a hung decision is ended by the parent's limits, so no in-process watchdog; the
    // policy is guarded as PolicyRunner guards it, and the run bounded by the host's work budget.
    var result = SimulationEngine.Run(run with { Policy = lease.Policy as GuardedPolicy ?? new GuardedPolicy(lease.Policy, containment) }, request.Budget ?? SimulationBudget.Unlimited);
    await stdout.WriteAsync(RunResultJson.Serialize(result)).ConfigureAwait(false);
    await stdout.FlushAsync().ConfigureAwait(false);
    return 0;
}
catch (InputValidationException e)
{
    return Invalid(e.Errors.Select(f => new WorkerFieldError(f.Field, f.Message)).ToList());
}

int Invalid(IReadOnlyList<WorkerFieldError> errors)
{
    stdout.Write(JsonSerializer.Serialize(new WorkerInputErrors(errors), WorkerRequest.JsonOptions));
    stdout.Flush();
    return ExitInvalidInput;
}

static void WarmUp()
{
    var seed = WorkloadLoader.Load("seed-1000-maxcpus1");
    var small = seed with { Name = "warm-up", Burst = seed.Burst! with { Count = 8 } };
    var policy = new UpstreamPolicy();
    var parameters = PolicyParameters.Bind(policy.Descriptor.Parameters, null, out _);
    var result = new PolicyRunner(ContainmentOptions.Default with { DecisionWallTimeout = TimeSpan.MaxValue })
        .Run(new SimulationRequest(small, KernelProfileLoader.Load("v4.9"), policy, parameters, 1, 0));
    _ = RunResultJson.Serialize(result);
    _ = JsonSerializer.Serialize(new WorkerProbeResult([], []), WorkerRequest.JsonOptions);
}
