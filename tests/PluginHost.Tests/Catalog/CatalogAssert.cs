using NetnsPolicy.PluginHost.Catalog;

namespace NetnsPolicy.PluginHost.Tests.Catalog;

internal static class CatalogAssert
{
    /// <summary>The one problem reported for <paramref name="folder"/>.</summary>
    public static string ProblemFor(PluginCatalog catalog, string folder)
    {
        var problems = catalog.Problems.Where(p => p.Path == folder).ToList();
        Assert.That(problems, Has.Count.GreaterThanOrEqualTo(1), $"no problem reported for {folder}; problems: {string.Join(" | ", catalog.Problems)}");
        return string.Join(" | ", problems.Select(p => p.Message));
    }

    public static PluginCatalog Open(string folder, bool watch = false) =>
        new(new PluginCatalogOptions { PluginsDirectory = folder, Watch = watch, Debounce = TimeSpan.FromMilliseconds(100) });

    /// <summary>Waits (bounded) until the catalog has rescanned after a change made by <paramref name="change"/>.</summary>
    public static async Task ChangeAndWaitAsync(PluginCatalog catalog, Action change, Func<bool> until)
    {
        var rescanned = new SemaphoreSlim(0);
        void OnChanged(object? sender, EventArgs e) => rescanned.Release();
        catalog.Changed += OnChanged;
        try
        {
            change();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (!until())
            {
                var left = deadline - DateTime.UtcNow;
                Assert.That(left, Is.GreaterThan(TimeSpan.Zero), "the watcher did not apply the change within 15 s");
                await rescanned.WaitAsync(left).WaitAsync(TimeSpan.FromSeconds(16));
            }
        }
        finally
        {
            catalog.Changed -= OnChanged;
        }
    }
}
