using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.PluginHost.Isolation;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.PluginHost.Tests.Isolation;

/// <summary>Out-of-process runs: a child per run, killed at its limits; this process survives whatever the plugin does.</summary>
[TestFixture]
public sealed class IsolatedRunnerTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    private static IsolatedRunnerOptions Options => new()
    {
        PluginsDirectory = PluginFolder.TestPlugins,
        CpuSeconds = 20,
        MemoryLimitBytes = 256L << 20,
        WallTimeout = TimeSpan.FromSeconds(30),
    };

    [Test]
    public async Task RunAsync_WellBehavedPolicy_SameResultAsInProcess()
    {
        var workload = Scenarios.SmallBurst();
        var parameters = new Dictionary<string, string> { ["batch_size"] = "3" };
        using var runner = new IsolatedRunner(Options with { PluginsDirectory = PluginFolder.Shipped });
        var isolated = await runner
            .RunAsync(new IsolatedRunRequest(workload, "v4.9", "batching", parameters, 7)).WaitAsync(TestTimeout);

        using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = PluginFolder.Shipped, Watch = false });
        using var lease = catalog.Acquire("batching", parameters);
        var inProcess = SimulationEngine.Run(new SimulationRequest(workload, Scenarios.V49, lease.Policy, lease.Parameters, 7));

        Assert.That(isolated.Status, Is.EqualTo(RunStatus.Ok), isolated.StatusDetail);
        Assert.That(isolated.Batches, Is.EqualTo(7));
        Assert.That(RunResultJson.Serialize(isolated), Is.EqualTo(RunResultJson.Serialize(inProcess)));
    }

    [Test]
    public async Task RunAsync_PolicyAllocatingWithoutBound_PolicyFaultAtTheMemoryLimit()
    {
        using var runner = new IsolatedRunner(Options);
        var result = await runner
            .RunAsync(new IsolatedRunRequest(Scenarios.SmallBurst(), "v4.9", "allocates", new Dictionary<string, string> { ["forever"] = "true" }, 1))
            .WaitAsync(TestTimeout);

        Assert.That(result.Status, Is.EqualTo(RunStatus.PolicyFault));
        Assert.That(result.StatusDetail, Does.Contain("OutOfMemory").Or.Contain("out of memory"));
    }

    [Test]
    public async Task RunAsync_PolicySpinningForever_KilledAtTheCpuTimeLimit()
    {
        var options = Options with { CpuSeconds = 2 };

        using var runner = new IsolatedRunner(options);
        var result = await runner.RunAsync(new IsolatedRunRequest(Scenarios.SmallBurst(), "v4.9", "never-returns", null, 1)).WaitAsync(TestTimeout);

        Assert.That(result.Status, Is.EqualTo(RunStatus.PolicyFault));
        Assert.That(result.StatusDetail, Does.Contain("CPU-time limit of 2 s"));
        Assert.That(result.Policy, Is.EqualTo("never-returns"));
    }

    [Test]
    public async Task RunAsync_WorkerOverItsWallTime_Killed()
    {
        var options = Options with { WallTimeout = TimeSpan.FromSeconds(2) };

        using var runner = new IsolatedRunner(options);
        var result = await runner.RunAsync(new IsolatedRunRequest(Scenarios.SmallBurst(), "v4.9", "never-returns", null, 1)).WaitAsync(TestTimeout);

        Assert.That(result.Status, Is.EqualTo(RunStatus.PolicyFault));
        Assert.That(result.StatusDetail, Does.Contain("wall-time limit of 2 s and was killed"));
    }

    [Test]
    public void RunAsync_UnknownPolicy_InputValidationFromTheWorker()
    {
        using var runner = new IsolatedRunner(Options);
        var error = Assert.ThrowsAsync<InputValidationException>(
            () => runner.RunAsync(new IsolatedRunRequest(Scenarios.SmallBurst(), "v4.9", "no-such-policy", null, 1)).WaitAsync(TestTimeout));

        Assert.That(error!.Errors.Single().Field, Is.EqualTo("policy"));
        Assert.That(error.Message, Does.Contain("unknown policy 'no-such-policy'"));
    }
}
