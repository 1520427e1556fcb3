using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.PluginHost.Isolation;
using NetnsPolicy.Service.Hosting;

namespace NetnsPolicy.Service.Scheduling;

/// <summary>
/// Where the service's simulations run (docs/plugins.md, "Trust"): the built-in and shipped policies and the plugins
/// the operator trusts in-process; every other plugin — its loading, probing, decisions and finalizers — only in the
/// sandboxed workers held here. Null <see cref="Sandbox"/> means the sandbox cannot be set up on this host
/// (<see cref="SandboxUnavailableReason"/>): untrusted plugins are then refused unless opted out by name.
/// </summary>
internal sealed class PluginExecution(SandboxedWorkers? sandbox, string? sandboxUnavailableReason) : IDisposable
{
    public SandboxedWorkers? Sandbox { get; } = sandbox;

    public string SandboxUnavailableReason { get; } = sandboxUnavailableReason ?? "";

    public static PluginExecution Create(ServiceOptions options)
    {
        var sandbox = SandboxedWorkers.TryCreate(
            new SandboxOptions
            {
                CpuSeconds = options.SandboxCpuSeconds,
                WallTimeout = options.SandboxWallTimeout,
                HeapLimitBytes = options.SandboxMemoryBytes,
                ProbeTimeout = options.SandboxWallTimeout < TimeSpan.FromSeconds(30) ? options.SandboxWallTimeout : TimeSpan.FromSeconds(30),
                WarmWorkers = options.SandboxWarmWorkers > 0 ? options.SandboxWarmWorkers : options.EffectiveConcurrency,
            },
            out var reason);
        return new PluginExecution(sandbox, reason);
    }

    /// <summary>The service's plugin catalog, applying the trust rules of <paramref name="options"/>.</summary>
    public static PluginCatalog Catalog(ServiceOptions options, PluginExecution execution) => new(new PluginCatalogOptions
    {
        PluginsDirectory = options.PluginsDirectory.Length > 0 ? Path.GetFullPath(options.PluginsDirectory) : PluginCatalogOptions.DefaultPluginsDirectory,
        Watch = options.WatchPlugins,
        StaticCheck = options.PluginStaticCheck,
        Trust = new PluginTrustOptions
        {
            Sandbox = execution.Sandbox,
            SandboxUnavailableReason = execution.SandboxUnavailableReason,
            Trusted = options.TrustedPlugins,
            Unsandboxed = options.UnsandboxedPlugins,
            QuarantineAfterFailures = options.QuarantineAfterFailures,
        },
    });

    public void Dispose() => Sandbox?.Dispose();
}
