using NetnsPolicy.PluginHost.Containment;

namespace NetnsPolicy.PluginHost.Isolation;

/// <summary>Limits and locations of the sandboxed workers untrusted plugins run in (docs/plugins.md, "The sandbox").</summary>
public sealed record SandboxOptions
{
    /// <summary>The worker assembly; by default <c>NetnsPolicy.Worker.dll</c> next to the program.</summary>
    public string WorkerAssembly { get; init; } = Path.Combine(AppContext.BaseDirectory, "NetnsPolicy.Worker.dll");

    /// <summary>The <c>dotnet</c> host that runs the worker; by default the one running this process.</summary>
    public string? DotnetHost { get; init; }

    /// <summary>
    /// Confine the worker with bubblewrap (own user, mount, PID, network, IPC and UTS namespaces, a read-only view of
    /// the runtime and the plugin). False keeps only the resource limits: for hosts without user namespaces, and only
    /// for plugins the operator has opted out of the sandbox by name.
    /// </summary>
    public bool Namespaces { get; init; } = true;

    /// <summary>CPU seconds one worker may use (RLIMIT_CPU: SIGXCPU, then SIGKILL a second later).</summary>
    public int CpuSeconds { get; init; } = 300;

    /// <summary>Wall time after which a worker is killed.</summary>
    public TimeSpan WallTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The worker's managed heap limit in bytes (<c>DOTNET_GCHeapHardLimit</c>).</summary>
    public long HeapLimitBytes { get; init; } = 1L << 30;

    /// <summary>The worker's address-space limit (RLIMIT_AS); the runtime needs about 3 GiB of reservations beyond the heap.</summary>
    public long AddressSpaceBytes { get; init; } = 5L << 30;

    /// <summary>Processes and threads the worker's uid may have (RLIMIT_NPROC; each worker runs as a uid of its own).</summary>
    public int MaxProcesses { get; init; } = 128;

    /// <summary>Largest file the worker may write (RLIMIT_FSIZE); it can write only to its private <c>/tmp</c>.</summary>
    public long MaxFileBytes { get; init; } = 16L << 20;

    /// <summary>Size of the worker's private <c>/tmp</c> (a tmpfs).</summary>
    public long TmpBytes { get; init; } = 64L << 20;

    /// <summary>Largest result the host reads from a worker; more is a fault.</summary>
    public int MaxResultBytes { get; init; } = 64 << 20;

    /// <summary>Workers kept started and waiting for a request, so a simulation does not pay the runtime's start.</summary>
    public int WarmWorkers { get; init; } = 2;

    /// <summary>Wall time a probe of a plugin (load, constructors, descriptors) may take.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First of the unprivileged uids workers run as (one per worker, when the host is root).</summary>
    public int FirstUid { get; init; } = 2_000_000;

    /// <summary>How many uids from <see cref="FirstUid"/> are used in turn.</summary>
    public int UidCount { get; init; } = 10_000;

    /// <summary>Per-decision budgets applied inside the worker.</summary>
    public ContainmentOptions Containment { get; init; } = ContainmentOptions.Default;
}
