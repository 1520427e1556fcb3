using System.Runtime.CompilerServices;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.PluginHost.Tests.Catalog;

/// <summary>The watcher, versions and unloading: added, replaced and removed plugins, and collectible contexts.</summary>
[TestFixture]
public sealed class PluginCatalogVersionTests
{
    private PluginFolder _folder = null!;

    [SetUp]
    public void SetUp() => _folder = new PluginFolder();

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public async Task Watch_PluginDroppedIn_AvailableWithoutRestart()
    {
        using var catalog = CatalogAssert.Open(_folder.Path, watch: true);
        Assert.That(catalog.List().Select(p => p.Id), Is.EqualTo(new[] { "upstream" }));

        await CatalogAssert.ChangeAndWaitAsync(catalog, () => _folder.Install("rwsem"), () => catalog.List().Any(p => p.Id == "rwsem"));

        using var lease = catalog.Acquire("rwsem", null);
        Assert.That(lease.Policy.Descriptor.Id, Is.EqualTo("rwsem"));
    }

    [Test]
    public async Task Watch_PluginFolderDeleted_NoLongerAvailable()
    {
        _folder.Install("rwsem");
        using var catalog = CatalogAssert.Open(_folder.Path, watch: true);
        Assert.That(catalog.List().Select(p => p.Id), Does.Contain("rwsem"));

        await CatalogAssert.ChangeAndWaitAsync(catalog, () => _folder.Remove("rwsem"), () => catalog.List().All(p => p.Id != "rwsem"));

        Assert.Throws<InputValidationException>(() => catalog.Acquire("rwsem", null));
    }

    [Test]
    public async Task Watch_PluginReplacedWhileARunHoldsIt_RunKeepsTheVersionItStartedWith()
    {
        _folder.Install("versioned-v1", "versioned");
        using var catalog = CatalogAssert.Open(_folder.Path, watch: true);
        using var v1 = catalog.Acquire("versioned", null);
        var v1Context = catalog.ContextOf("versioned")!;

        await CatalogAssert.ChangeAndWaitAsync(catalog, () => _folder.Replace("versioned", "versioned-v2"),
            () => catalog.List().Single(p => p.Id == "versioned").Version.Major == 2);
        using var v2 = catalog.Acquire("versioned", null);

        var oldRun = Run(v1);
        var newRun = Run(v2);

        // Version 1 takes the whole burst in one batch, version 2 one net per batch.
        Assert.That(oldRun.Status, Is.EqualTo(RunStatus.Ok), oldRun.StatusDetail);
        Assert.That(oldRun.Batches, Is.EqualTo(1));
        Assert.That(newRun.Batches, Is.EqualTo(20));
        Assert.That(v1.AssemblyHash, Is.Not.EqualTo(v2.AssemblyHash));
        Assert.That(v1Context.IsAlive, Is.True, "the old version must stay loaded while its lease is held");
    }

    [Test]
    public async Task Unload_LastLeaseOfAReplacedVersionDisposed_ItsLoadContextIsCollected()
    {
        _folder.Install("versioned-v1", "versioned");
        using var catalog = CatalogAssert.Open(_folder.Path, watch: true);
        var (lease, context) = AcquireAndRun(catalog);

        await CatalogAssert.ChangeAndWaitAsync(catalog, () => _folder.Replace("versioned", "versioned-v2"),
            () => catalog.List().Single(p => p.Id == "versioned").Version.Major == 2);
        Assert.That(context.IsAlive, Is.True, "still leased");
        lease.Dispose();

        Assert.That(Collected(context), Is.True, "the retired version's AssemblyLoadContext was not collected after its last lease was disposed");
    }

    [Test]
    public void Unload_CatalogDisposedWithNoLeases_EveryContextIsCollected()
    {
        _folder.Install("batching");
        var catalog = CatalogAssert.Open(_folder.Path);
        var context = catalog.ContextOf("batching")!;

        catalog.Dispose();

        Assert.That(Collected(context), Is.True);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (PolicyLease Lease, WeakReference Context) AcquireAndRun(PluginCatalog catalog)
    {
        var lease = catalog.Acquire("versioned", null);
        Assert.That(Run(lease).Status, Is.EqualTo(RunStatus.Ok));
        return (lease, catalog.ContextOf("versioned")!);
    }

    private static RunResult Run(PolicyLease lease) =>
        SimulationEngine.Run(new SimulationRequest(Scenarios.SmallBurst(), Scenarios.V49, lease.Policy, lease.Parameters, 1));

    // Unloading is cooperative: the context goes once nothing references it, which takes a few collections.
    private static bool Collected(WeakReference context)
    {
        for (var i = 0; i < 50 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return !context.IsAlive;
    }
}
