using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Scheduling;

namespace NetnsPolicy.Sandbox.Tests;

/// <summary>
/// Hostile plugins (issue 12's table and more), each built by the test and dropped into one running service with the
/// static check off, so that the sandbox alone must hold: no plugin reads, writes, connects, outlives its run or
/// touches the service; each ends as its own run's policy-fault (or a refusal at load) naming the cause; after each,
/// the service answers health and an innocent run submitted alongside completes.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class HostileServiceTests
{
    private const long EventBudget = 2_000_000;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(90);
    private readonly string _token = "hostile-" + Guid.NewGuid().ToString("N");
    private readonly List<string> _crashRuns = [];
    private string _root = "";
    private string _plugins = "";
    private string _database = "";
    private string _sentinel = "";
    private TcpListener? _listener;
    private RunningService? _service;
#pragma warning disable NUnit1032 // Replaced on restart: disposed by StopAsync, which the one-time tear-down calls.
    private GrpcChannel? _channel;
#pragma warning restore NUnit1032
    private HostilePlugins? _hostile;

    private RunService.RunServiceClient Runs => new(_channel);

    private PluginExecution Execution => _service!.Services.GetRequiredService<PluginExecution>();

    [OneTimeSetUp]
    public async Task StartService()
    {
        _root = Path.Combine(Path.GetTempPath(), "netns-policy-hostile-" + Guid.NewGuid().ToString("N"));
        _plugins = Path.Combine(_root, "plugins");
        _database = Path.Combine(_root, "store", "runs.db");
        _sentinel = Path.Combine(_root, "sentinel.txt");
        Directory.CreateDirectory(_plugins);
        Directory.CreateDirectory(Path.GetDirectoryName(_database)!);

        // The shipped plugins, as a deployment has them: trusted by their pinned hashes, run in-process.
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "plugins"), "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(_plugins, Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "plugins"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        Environment.SetEnvironmentVariable("NETNS_POLICY_TEST_SECRET", _token);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        await StartAsync();
        _hostile = HostilePlugins.Compile(new Dictionary<string, string>
        {
            ["PLUGINS"] = _plugins,
            ["STORE"] = _database,
            ["SENTINEL"] = _sentinel,
            ["SERVICE_PORT"] = _service!.GrpcAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LISTENER_PORT"] = ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TOKEN"] = _token,
        });
        _hostile.Drop(_plugins, "innocent");
        Assert.That(await WaitForCatalogAsync("innocent"), Is.Null, "the innocent sandboxed plugin loads");
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        await StopAsync();
        _listener?.Dispose();
        Environment.SetEnvironmentVariable("NETNS_POLICY_TEST_SECRET", null);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Every attack, with what the fault (or the refusal) must say. Null: any policy-fault.</summary>
    public static IEnumerable<TestCaseData> Attacks()
    {
        yield return Case("reads-hostname", null);
        yield return Case("reads-environment", null);
        yield return Case("writes-file", null);
        yield return Case("writes-plugins", null);
        yield return Case("writes-store", null);
        yield return Case("connects-service", null);
        yield return Case("connects-listener", null);
        yield return Case("thread-pool", null);
        yield return Case("spins", "CPU-time limit", crash: true);
        yield return Case("stack-overflow", "stack overflow", crash: true);
        yield return Case("exits", "without writing its result", crash: true);
        yield return Case("fails-fast", "FailFast", crash: true);
        yield return Case("throwing-finalizer", "unhandled exception", crash: true);
        yield return Case("static-constructor", null);
        yield return Case("unsafe-string-write", null);
        yield return Case("static-leak", "emory");
        yield return Case("fork-exec", null);
        yield return Case("ten-thousand-threads", null);
    }

    [Order(1)]
    [TestCaseSource(nameof(Attacks))]
    public async Task Drop_HostilePlugin_OwnRunsPolicyFaultAndTheServiceUntouched(string id, string? cause, bool crash)
    {
        _hostile!.Drop(_plugins, id);
        Assert.That(await WaitForCatalogAsync(id), Is.Null, $"'{id}' is listed (loaded in the sandbox)");

        var hostile = await SubmitAsync(id, seed: 1);
        var innocent = await SubmitAsync("batching", seed: 1 + (ulong)id.Length);
        var sandboxedInnocent = await SubmitAsync("innocent", seed: 1 + (ulong)id.Length);
        if (crash)
        {
            _crashRuns.Add(hostile.Id);
        }

        var (status, detail) = await OutcomeAsync(hostile);
        Assert.That(status, Is.EqualTo("policy-fault"), detail);
        if (cause is not null)
        {
            Assert.That(detail, Does.Contain(cause));
        }

        Assert.That((await OutcomeAsync(innocent)).Status, Is.EqualTo("ok"));
        Assert.That((await OutcomeAsync(sandboxedInnocent)).Status, Is.EqualTo("ok"));
        await AssertUntouchedAsync();
    }

    [Order(2)]
    [Test]
    public async Task Drop_InfiniteLoopInStaticConstructor_RefusedAtLoadNamingTheLimit()
    {
        _hostile!.Drop(_plugins, "static-constructor-spins");

        var refusal = await WaitForCatalogAsync("static-constructor-spins");

        // The worker's own probe bound (5 s) or the sandbox's CPU limit ends it, whichever comes first.
        Assert.That(refusal, Does.Contain("did not return within").Or.Contain("CPU-time limit"));
        await AssertUntouchedAsync();
    }

    [Order(3)]
    [Test]
    public async Task Run_PluginCrashingEveryTime_QuarantinedAfterThreeAndClearedWhenItsFileChanges()
    {
        _hostile!.Drop(_plugins, "poison");
        Assert.That(await WaitForCatalogAsync("poison"), Is.Null);
        for (ulong seed = 1; seed <= 3; seed++)
        {
            Assert.That((await OutcomeAsync(await SubmitAsync("poison", seed))).Detail, Does.Contain("stack overflow"));
        }

        var listed = await PolicyAsync("poison");
        var refused = Assert.ThrowsAsync<RpcException>(() => SubmitAsync("poison", seed: 4));

        Assert.That(listed!.Quarantined, Does.Contain("quarantined after 3 failed runs").And.Contain("stack overflow"));
        Assert.That(listed.Trust, Is.EqualTo("sandboxed"));
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(refused.Status.Detail, Does.Contain("quarantined"));

        _hostile.Drop(_plugins, "poison", revision: 1);
        var cleared = await PollAsync(async () => await PolicyAsync("poison") is { Quarantined: "" } p ? p : null);
        Assert.That(cleared.Trust, Is.EqualTo("sandboxed"));
    }

    [Order(4)]
    [Test]
    public async Task Restart_AfterTheCrashCases_StartsAndRunsNoPluginAgain()
    {
        Assert.That(_crashRuns, Is.Not.Empty);
        await StopAsync();

        await StartAsync();
        var health = await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest(), deadline: Deadline());
        var runs = new List<Run>();
        foreach (var id in _crashRuns)
        {
            runs.Add(await Runs.GetRunAsync(new GetRunRequest { RunId = id, IncludeSimulations = true }, deadline: Deadline()));
        }

        Assert.That(health.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        Assert.That(runs.Select(r => r.State), Is.All.EqualTo(RunState.Succeeded));
        Assert.That(runs.Select(r => r.Simulations.Single().Status), Is.All.EqualTo("policy-fault"));
        Assert.That(Execution.Sandbox!.SimulationsStarted, Is.Zero, "no simulation was resumed");
    }

    [Test]
    public async Task Run_SandboxedPluginOnRunawayWorkload_BudgetExceededNamingEvents()
    {
        // 64 RTNL users retrying every nanosecond with no hold time: simulated time stands still, only the work
        // budget the host hands the worker ends the run (before it, the sandbox's CPU limit would: a policy-fault).
        const string storm = """
            {
              "format_version": 1,
              "name": "sandboxed-rtnl-storm",
              "machine": { "cpus": 2, "hz": 1000, "kernel_profile": "v4.9" },
              "burst": { "count": 10, "create_parallelism": 2, "destroy_after_ms": 5 },
              "rtnl_users": { "count": 64, "mean_interval_ms": 0.000001, "hold_us": 0 },
              "stop": { "mode": "drain", "max_simulated_seconds": 3600 }
            }
            """;
        var request = new SubmitRunRequest { Workload = new WorkloadSource { Json = storm }, Policy = "innocent", Seeds = new SeedPlan { Replications = 1 } };
        request.Seeds.Seeds.Add(7);
        var started = Execution.Sandbox!.SimulationsStarted;

        var (status, detail) = await OutcomeAsync(await Runs.SubmitRunAsync(request, deadline: Deadline()));

        Assert.That(Execution.Sandbox.SimulationsStarted, Is.GreaterThan(started), "the run went to the sandbox");
        Assert.That(status, Is.EqualTo("budget-exceeded"), detail);
        Assert.That(detail, Does.StartWith("events budget of " + EventBudget.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await AssertUntouchedAsync();
    }

    [Test]
    public async Task ListPolicies_ShippedAndBuiltIn_RunInProcessAndAreSaidToDoSo()
    {
        var response = await new CatalogService.CatalogServiceClient(_channel).ListPoliciesAsync(new ListPoliciesRequest(), deadline: Deadline());
        var trust = response.Policies.ToDictionary(p => p.Id, p => p.Trust);

        Assert.That(trust["upstream"], Is.EqualTo("builtin"));
        Assert.That(trust["batching"], Is.EqualTo("shipped"));
        Assert.That(trust["adaptive"], Is.EqualTo("shipped"));
        Assert.That(trust["innocent"], Is.EqualTo("sandboxed"));
    }

    [Test]
    public void Inspect_HostileAssembly_StaticCheckNamesEveryEscapeTheAttacksUsed()
    {
        var path = Path.Combine(_root, "inspected.dll");
        _hostile!.Save(path);

        var findings = PluginHost.StaticCheck.PolicyCodeInspector.Inspect(path).Select(f => $"{f.Member} ({f.Reason})").ToList();

        Assert.That(findings, Has.Some.Contains("System.Linq.Expressions.Expression.Call"));
        Assert.That(findings, Has.Some.Contains("UnverifiableCodeAttribute").And.Some.Contains("String.GetPinnableReference"));
        Assert.That(findings, Has.Some.Contains("ThrowingFinalizer+Bomb.Finalize (a finalizer"));
        Assert.That(findings, Has.Some.Contains("FunctionPointers.Call (function pointers"));
        Assert.That(findings, Has.Some.Contains("System.Diagnostics.Process.Start"));
    }

    private static TestCaseData Case(string id, string? cause, bool crash = false) => new TestCaseData(id, cause, crash).SetArgDisplayNames(id);

    private static DateTime Deadline() => DateTime.UtcNow + CallTimeout;

    private async Task StartAsync()
    {
        _service = await NetnsPolicyServer.StartAsync(new ServiceOptions
        {
            GrpcPort = 0,
            WebPort = -1,
            DatabasePath = _database,
            PluginsDirectory = _plugins,
            MaxConcurrentSimulations = 2,
            PluginStaticCheck = false,
            SandboxCpuSeconds = 4,
            SandboxWallTimeout = TimeSpan.FromSeconds(60),
            SandboxMemoryBytes = 256L << 20,
            SandboxWarmWorkers = 2,

            // Reached by the runaway workload within a fraction of the sandbox's CPU limit; far above what the
            // innocent runs need. Admission lets the RTNL storm through so that only the budget stops it.
            SimulationEventBudget = EventBudget,
            MaxRtnlAttemptsPerSecond = double.MaxValue,
        }).WaitAsync(CallTimeout);
        _channel = GrpcChannel.ForAddress(_service.GrpcAddress);
    }

    private async Task StopAsync()
    {
        _channel?.Dispose();
        _channel = null;
        if (_service is not null)
        {
            await _service.DisposeAsync().AsTask().WaitAsync(CallTimeout);
            _service = null;
        }
    }

    private async Task<Run> SubmitAsync(string policy, ulong seed)
    {
        var request = new SubmitRunRequest
        {
            Workload = new WorkloadSource { Builtin = "seed-1000-maxcpus1" },
            Policy = policy,
            Seeds = new SeedPlan { Replications = 1 },
        };
        request.Seeds.Seeds.Add(seed);
        return await Runs.SubmitRunAsync(request, deadline: Deadline());
    }

    private async Task<(string Status, string Detail)> OutcomeAsync(Run run)
    {
        var final = await PollAsync(async () =>
        {
            var now = await Runs.GetRunAsync(new GetRunRequest { RunId = run.Id, IncludeResults = true }, deadline: Deadline());
            return now.State is RunState.Queued or RunState.Running ? null : now;
        });
        Assert.That(final.State, Is.EqualTo(RunState.Succeeded), final.StatusDetail);
        var simulation = final.Simulations.Single();
        using var result = JsonDocument.Parse(simulation.ResultJson);
        var detail = result.RootElement.TryGetProperty("status_detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
        return (simulation.Status, detail);
    }

    private async Task<Contracts.V1.PolicyInfo?> PolicyAsync(string id)
    {
        var response = await new CatalogService.CatalogServiceClient(_channel).ListPoliciesAsync(new ListPoliciesRequest(), deadline: Deadline());
        return response.Policies.SingleOrDefault(p => p.Id == id);
    }

    /// <summary>Waits until the watcher has loaded <paramref name="id"/> (null) or refused it (the refusal).</summary>
    private async Task<string?> WaitForCatalogAsync(string id) => (await PollAsync(async () =>
    {
        if (await PolicyAsync(id) is not null)
        {
            return new Box(null);
        }

        // A parameter no policy declares: never accepted, so this asks about loading without running anything.
        var request = new SubmitRunRequest { Workload = new WorkloadSource { Builtin = "seed-1000-maxcpus1" }, Policy = id, Parameters = { ["no_such_parameter"] = "1" } };
        try
        {
            await Runs.SubmitRunAsync(request, deadline: Deadline());
            throw new AssertionException("a run with an undeclared parameter was accepted");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument && e.Status.Detail.Contains("refused plugin folders", StringComparison.Ordinal))
        {
            return new Box(e.Status.Detail);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument && e.Status.Detail.Contains("unknown policy", StringComparison.Ordinal))
        {
            return null;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            return new Box(null);
        }
    })).Value;

    private async Task AssertUntouchedAsync()
    {
        var health = await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest(), deadline: Deadline());
        var store = Directory.GetFiles(Path.GetDirectoryName(_database)!).Select(f => File.ReadAllBytes(f)).ToList();
        var alive = Directory.GetDirectories("/proc").Select(d => Path.Combine(d, "cmdline")).Where(File.Exists)
            .Select(f =>
            {
                try
                {
                    return File.ReadAllText(f);
                }
                catch (IOException)
                {
                    return "";
                }
            })
            .Count(c => c.Contains(_token, StringComparison.Ordinal));
        var catalog = await new CatalogService.CatalogServiceClient(_channel).ListPoliciesAsync(new ListPoliciesRequest(), deadline: Deadline());

        Assert.That(health.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        Assert.That(File.Exists(_sentinel), Is.False, "nothing was written outside the sandbox");
        Assert.That(File.Exists(Path.Combine(_plugins, "planted.txt")), Is.False, "nothing was written to the plugins folder");
        Assert.That(store.Any(b => Encoding.UTF8.GetString(b).Contains(_token, StringComparison.Ordinal)), Is.False, "nothing was written to the store");
        Assert.That(_listener!.Pending(), Is.False, "no connection reached the test's listener");
        Assert.That(alive, Is.Zero, "no process the plugin started outlives its run");
        Assert.That(Execution.Sandbox!.Busy, Is.Zero, "no worker outlives its run");
        Assert.That(catalog.Policies.Select(p => p.Id), Does.Contain("upstream"), "the host's string literals are intact");
    }

    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private sealed record Box(string? Value);
}
