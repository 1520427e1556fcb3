namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>
/// Watches the plugins folder and calls back once the folder has been quiet for the debounce interval: a plugin being
/// copied in produces many events, and loading a half-copied folder would refuse it for nothing.
/// </summary>
internal sealed class FolderWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _timer;
    private readonly TimeSpan _debounce;

    private FolderWatcher(string folder, TimeSpan debounce, Action changed)
    {
        _debounce = debounce;
        _timer = new Timer(_ => changed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(folder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Created += OnEvent;
        _watcher.Changed += OnEvent;
        _watcher.Deleted += OnEvent;
        _watcher.Renamed += OnEvent;
        // Overflowed event buffer: rescan anyway.
        _watcher.Error += (_, _) => Touch();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Starts watching <paramref name="folder"/> (created if missing); on failure returns null and a problem.</summary>
    public static FolderWatcher? TryStart(string folder, TimeSpan debounce, Action changed, out PluginProblem? problem)
    {
        problem = null;
        try
        {
            Directory.CreateDirectory(folder);
            return new FolderWatcher(folder, debounce, changed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            problem = new PluginProblem(folder, $"not watched ({e.Message}): changes need a restart");
            return null;
        }
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _timer.Dispose();
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => Touch();

    private void Touch() => _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
}
