using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.PluginHost.Tests.Composition;

/// <summary>Stacks through the catalog: shipped plugins composed, parameters qualified, conflicts reported.</summary>
[TestFixture]
public sealed class StackAcquireTests
{
    private PluginCatalog _catalog = null!;

    [OneTimeSetUp]
    public void OneTimeSetUp() => _catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = PluginFolder.Shipped, Watch = false });

    [OneTimeTearDown]
    public void OneTimeTearDown() => _catalog.Dispose();

    [Test]
    public void Acquire_StackWithUnqualifiedParameter_TheOwningMemberGetsIt()
    {
        using var lease = _catalog.Acquire("uevent-skip + batching", new Dictionary<string, string> { ["batch_size"] = "8" });

        var result = SimulationEngine.Run(new SimulationRequest(Scenarios.SmallBurst(), Scenarios.V49, lease.Policy, lease.Parameters, 1));

        Assert.That(lease.PolicyId, Is.EqualTo("uevent-skip+batching"));
        Assert.That(lease.Parameters.Values, Is.EqualTo(new Dictionary<string, double> { ["batching.batch_size"] = 8 }));
        Assert.That(lease.Components.Select(c => c.Id), Is.EqualTo(new[] { "uevent-skip", "batching" }));
        Assert.That(lease.AssemblyHash, Does.Match("^[0-9a-f]{64}$").And.Not.AnyOf(lease.Components.Select(c => c.AssemblyHash).ToArray()));
        Assert.That(result.Status, Is.EqualTo(RunStatus.Ok), result.StatusDetail);
        Assert.That(result.Policy, Is.EqualTo("uevent-skip+batching"));
        Assert.That(result.Batches, Is.EqualTo(3), "20 nets in batches of at most 8");
        Assert.That(result.Decisions["uevent_emission"].Changed, Is.GreaterThan(0));
    }

    [Test]
    public void Acquire_TwoMembersOnOnePoint_ConflictUnlessTheWinnerIsMarked()
    {
        var error = Assert.Throws<InputValidationException>(() => _catalog.Acquire("batching+adaptive", null));
        using var resolved = _catalog.Acquire("batching+!adaptive", null);

        Assert.That(error!.Message, Does.Contain("'batching' and 'adaptive' all override batch_admission").And.Contain("'batching+!adaptive'"));
        Assert.That(resolved.Policy.Descriptor.Description, Does.Contain("batch_admission by adaptive"));
    }
}
