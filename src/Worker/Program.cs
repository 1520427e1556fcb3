using System.Text.Json;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.PluginHost.Containment;
using NetnsPolicy.PluginHost.Isolation;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

// The isolated mode's child process (docs/plugins.md): a WorkerRequest on stdin, the RunResult JSON on stdout.
// Exit 0: a result was written (whatever its status). Exit 2: invalid input, WorkerInputErrors on stdout.
// The parent applies the CPU, memory and wall-time limits; whatever happens here cannot harm it.
const int ExitInvalidInput = 2;

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

try
{
    var workload = WorkloadLoader.Parse(request.Workload.GetRawText());
    var profile = KernelProfileLoader.Load(request.KernelProfile);
    var containment = ContainmentOptions.Default with
    {
        DecisionCpu = TimeSpan.FromMilliseconds(request.DecisionCpuMs),
        DecisionAllocatedBytes = request.DecisionAllocatedBytes,
    };
    using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = request.PluginsDirectory, Watch = false, Containment = containment });
    using var lease = catalog.Acquire(request.Policy, request.Parameters);
    var run = new SimulationRequest(workload, profile, lease.Policy, lease.Parameters, request.Seed, request.Replication);
    // The child is the isolation: a hung decision is ended by the parent's limits, so no in-process watchdog.
    var result = new PolicyRunner(containment with { DecisionWallTimeout = TimeSpan.MaxValue }).Run(run);
    await Console.Out.WriteAsync(RunResultJson.Serialize(result)).ConfigureAwait(false);
    return 0;
}
catch (InputValidationException e)
{
    return Invalid(e.Errors.Select(f => new WorkerFieldError(f.Field, f.Message)).ToList());
}

static int Invalid(IReadOnlyList<WorkerFieldError> errors)
{
    Console.Out.Write(JsonSerializer.Serialize(new WorkerInputErrors(errors), WorkerRequest.JsonOptions));
    return ExitInvalidInput;
}
