namespace NetnsPolicy.PluginHost.Isolation;

/// <summary>Limits and locations for <see cref="IsolatedRunner"/>'s runs.</summary>
public sealed record IsolatedRunnerOptions
{
    /// <summary>The worker assembly; by default <c>NetnsPolicy.Worker.dll</c> next to the program.</summary>
    public string WorkerAssembly { get; init; } = Path.Combine(AppContext.BaseDirectory, "NetnsPolicy.Worker.dll");

    /// <summary>The <c>dotnet</c> host that runs the worker; by default the one running this process.</summary>
    public string? DotnetHost { get; init; }

    /// <summary>The plugins folder whose plugins the worker sees.</summary>
    public string PluginsDirectory { get; init; } = Catalog.PluginCatalogOptions.DefaultPluginsDirectory;

    /// <summary>CPU seconds the worker may use (RLIMIT_CPU; the kernel sends SIGXCPU, then SIGKILL).</summary>
    public int CpuSeconds { get; init; } = 120;

    /// <summary>The worker's managed heap limit in bytes (<c>DOTNET_GCHeapHardLimit</c>): beyond it allocations fail.</summary>
    public long MemoryLimitBytes { get; init; } = 1L << 30;

    /// <summary>Wall time after which the worker is killed.</summary>
    public TimeSpan WallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Per-decision budgets applied inside the worker.</summary>
    public NetnsPolicy.PluginHost.Containment.ContainmentOptions Containment { get; init; } = NetnsPolicy.PluginHost.Containment.ContainmentOptions.Default;

    internal SandboxOptions ToSandboxOptions() => new()
    {
        WorkerAssembly = WorkerAssembly,
        DotnetHost = DotnetHost,
        CpuSeconds = CpuSeconds,
        HeapLimitBytes = MemoryLimitBytes,
        WallTimeout = WallTimeout,
        WarmWorkers = 0,
        Containment = Containment,
    };
}
