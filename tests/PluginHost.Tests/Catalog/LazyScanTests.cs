using NetnsPolicy.PluginHost.Catalog;

namespace NetnsPolicy.PluginHost.Tests.Catalog;

/// <summary><see cref="PluginCatalogOptions.ScanOnFirstUse"/>: the folder is read only when a plugin is needed.</summary>
[TestFixture]
public sealed class LazyScanTests
{
    private PluginFolder _folder = null!;

    [SetUp]
    public void SetUp() => _folder = new PluginFolder();

    [TearDown]
    public void TearDown() => _folder.Dispose();

    private PluginCatalog OpenLazy() => new(new PluginCatalogOptions { PluginsDirectory = _folder.Path, Watch = false, ScanOnFirstUse = true });

    [Test]
    public void Acquire_UpstreamOnly_NeverScansTheFolder()
    {
        using var catalog = OpenLazy();
        var scans = 0;
        catalog.Changed += (_, _) => scans++;

        using (var lease = catalog.Acquire("upstream", null))
        {
            Assert.That(lease.Policy.Descriptor.Id, Is.EqualTo("upstream"));
        }

        // Installed after the upstream run: found by the first use that needs a plugin, so nothing was read before.
        _folder.Install("batching");
        using var batching = catalog.Acquire("batching", new Dictionary<string, string> { ["batch_size"] = "8" });

        Assert.That(batching.Policy.Descriptor.Id, Is.EqualTo("batching"));
        Assert.That(scans, Is.EqualTo(1));
    }

    [Test]
    public void List_BeforeAnyAcquire_ScansOnceAndListsThePlugins()
    {
        _folder.Install("batching");
        using var catalog = OpenLazy();
        var scans = 0;
        catalog.Changed += (_, _) => scans++;

        var first = catalog.List().Select(p => p.Id).ToList();
        var second = catalog.List().Select(p => p.Id).ToList();

        Assert.That(first, Is.EqualTo(new[] { "batching", "upstream" }));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(scans, Is.EqualTo(1));
    }

    [Test]
    public void Constructor_ScanOnFirstUseWithWatch_Refused()
    {
        var options = new PluginCatalogOptions { PluginsDirectory = _folder.Path, Watch = true, ScanOnFirstUse = true };

        Assert.That(() => new PluginCatalog(options), Throws.ArgumentException.With.Message.Contains("ScanOnFirstUse needs Watch = false"));
    }
}
