using System.Reflection;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.PluginHost.Containment;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.PluginHost.Tests.Containment;

/// <summary>In-process containment: every misbehaviour ends its own run as policy-fault and the host goes on.</summary>
[TestFixture]
public sealed class PolicyRunnerTests
{
    // Budgets tight enough for the test plugins to exceed; the wall watchdog far out, so a loaded host cannot preempt
    // a budget verdict (only the never-returns test brings it in).
    private static readonly ContainmentOptions Tight = ContainmentOptions.Default with
    {
        DecisionCpu = TimeSpan.FromMilliseconds(20),
        DecisionAllocatedBytes = 16L << 20,
        DecisionWallTimeout = TimeSpan.FromSeconds(60),
    };

    private static readonly ContainmentOptions Watchdog = Tight with { DecisionWallTimeout = TimeSpan.FromMilliseconds(500) };

    private PluginCatalog _catalog = null!;

    [OneTimeSetUp]
    public void OneTimeSetUp() => _catalog = new PluginCatalog(new PluginCatalogOptions
    {
        PluginsDirectory = PluginFolder.TestPlugins,
        Watch = false,
        Containment = Tight,
    });

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        // Let the abandoned never-returns thread finish so it stops burning a CPU (the host itself cannot do this).
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "NetnsPolicy.TestPlugins.Misbehaving"))
        {
            assembly.GetType("NetnsPolicy.TestPlugins.Misbehaving.HangingPolicy")!.GetField("Release", BindingFlags.NonPublic | BindingFlags.Static)!.SetValue(null, true);
        }

        _catalog.Dispose();
    }

    [Test]
    public void Run_PolicyThrows_PolicyFaultWithTheExceptionAndDecision()
    {
        var result = Run("throws");

        Assert.That(result.Status, Is.EqualTo(RunStatus.PolicyFault));
        Assert.That(result.StatusDetail, Does.Contain("policy 'throws' threw InvalidOperationException in AdmitBatch").And.Contain("deliberate failure in a test plugin"));
    }

    [Test]
    public void Run_DecisionOverItsCpuBudget_PolicyFaultNamingTheBudget()
    {
        // 50 M iterations take well over 20 ms of CPU.
        var result = Run("over-budget", new() { ["spin_iterations"] = "50000000" });

        Assert.That(result.Status, Is.EqualTo(RunStatus.PolicyFault));
        Assert.That(result.StatusDetail, Does.Contain("per-decision budget exceeded").And.Contain("time in one AdmitBatch call (budget 20 ms)"));
    }

    [Test]
    public void Run_DecisionWithinItsCpuBudget_Ok()
    {
        var result = Run("over-budget", new() { ["spin_iterations"] = "1000" });

        Assert.That(result.Status, Is.EqualTo(RunStatus.Ok), result.StatusDetail);
    }

    [Test]
    public void Run_DecisionAllocatingWithoutBound_PolicyFaultNamingTheAllocation()
    {
        // The CPU budget is put out of reach: on a loaded host, zeroing 32 MiB (and the GC it triggers on this thread)
        // can take more than 20 ms of CPU, and the fault would then name the wrong budget.
        var allocationOnly = Tight with { DecisionCpu = TimeSpan.FromMinutes(5) };
        using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = PluginFolder.TestPlugins, Watch = false, Containment = allocationOnly });
        using var lease = catalog.Acquire("allocates", new Dictionary<string, string> { ["chunk_mb"] = "32" });

        var result = new PolicyRunner(allocationOnly).Run(new SimulationRequest(Scenarios.SmallBurst(), Scenarios.V49, lease.Policy, lease.Parameters, 1));

        Assert.That(result.Status, Is.EqualTo(RunStatus.PolicyFault));
        Assert.That(result.StatusDetail, Does.Contain("MiB allocated in one AdmitBatch call (budget 16 MiB)"));
    }

    [Test]
    public async Task Run_DecisionNeverReturns_WatchdogFaultsItsRunWhileAnotherRunCompletes()
    {
        var hung = Task.Run(() => Run("never-returns", options: Watchdog));
        var healthy = Task.Run(() => Run("upstream", options: Watchdog));

        var results = await Task.WhenAll(hung, healthy).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(results[0].Status, Is.EqualTo(RunStatus.PolicyFault));
        Assert.That(results[0].StatusDetail, Does.Contain("did not return from AdmitBatch within 0.5 s").And.Contain("use the isolated mode"));
        Assert.That(results[0].Policy, Is.EqualTo("never-returns"));
        Assert.That(results[1].Status, Is.EqualTo(RunStatus.Ok), results[1].StatusDetail);
    }

    [Test]
    public void Run_UnguardedPolicy_RunnerGuardsIt()
    {
        using var lease = _catalog.Acquire("throws", null);
        var unguarded = new Simulation.Policies.UpstreamPolicy();

        var result = new PolicyRunner(Tight).Run(new SimulationRequest(Scenarios.SmallBurst(), Scenarios.V49, unguarded, Sdk.PolicyParameters.Empty, 1));

        Assert.That(result.Status, Is.EqualTo(RunStatus.Ok));
        Assert.That(lease.Policy, Is.InstanceOf<GuardedPolicy>());
    }

    private RunResult Run(string policy, Dictionary<string, string>? parameters = null, ContainmentOptions? options = null)
    {
        using var lease = _catalog.Acquire(policy, parameters);
        return new PolicyRunner(options ?? Tight).Run(new SimulationRequest(Scenarios.SmallBurst(), Scenarios.V49, lease.Policy, lease.Parameters, 1));
    }
}
