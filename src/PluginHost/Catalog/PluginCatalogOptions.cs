using NetnsPolicy.PluginHost.Containment;

namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>Where plugins are found and how they are watched and contained.</summary>
public sealed record PluginCatalogOptions
{
    /// <summary>The default plugins folder: <c>plugins/</c> next to the program.</summary>
    public static string DefaultPluginsDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The folder holding one sub-folder per plugin.</summary>
    public string PluginsDirectory { get; init; } = DefaultPluginsDirectory;

    /// <summary>Watch the folder and apply added, updated and removed plugins without a restart.</summary>
    public bool Watch { get; init; } = true;

    /// <summary>
    /// Leave the folder unread until a policy other than the built-in <c>upstream</c> is acquired, or the catalog is
    /// listed or asked for its problems: a command that runs <c>upstream</c> (the CLI's <c>simulate</c> by default) then
    /// never scans, hashes or loads a plugin (issue 16, start-up). Only without <see cref="Watch"/>.
    /// </summary>
    public bool ScanOnFirstUse { get; init; }

    /// <summary>Quiet time after the last file change before the folder is rescanned (a copy in progress settles).</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Where shadow copies go; by default a per-process folder under the temp directory.</summary>
    public string? ShadowCopyDirectory { get; init; }

    /// <summary>Refuse plugins whose code references forbidden APIs (docs/plugins.md). On by default.</summary>
    public bool StaticCheck { get; init; } = true;

    /// <summary>
    /// Which plugins may run in this process and where the others run (<see cref="PluginTrustOptions"/>). Null loads
    /// every plugin in-process: only for a process that is itself the sandbox (the worker) or a test.
    /// </summary>
    public PluginTrustOptions? Trust { get; init; }

    /// <summary>Budgets and timeouts applied to plugin code.</summary>
    public ContainmentOptions Containment { get; init; } = ContainmentOptions.Default;
}
