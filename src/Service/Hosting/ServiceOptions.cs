using System.ComponentModel.DataAnnotations;

namespace NetnsPolicy.Service.Hosting;

/// <summary>
/// Settings of the service, bound from the <c>NetnsPolicy</c> section of appsettings.json and the environment
/// (<c>NetnsPolicy__MaxQueuedRuns=8</c>). Defaults are safe for a developer machine: loopback only.
/// </summary>
public sealed class ServiceOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "NetnsPolicy";

    /// <summary>Address to listen on. Loopback by default; set <c>0.0.0.0</c> deliberately to expose the service.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Port of the gRPC endpoint (HTTP/2 without TLS); 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 5180;

    /// <summary>Port of the gRPC-Web endpoint (HTTP/1.1, for browsers and curl); 0 picks a free port, -1 disables it.</summary>
    [Range(-1, 65535)]
    public int WebPort { get; set; } = 5181;

    /// <summary>SQLite database file holding runs, results and reports.</summary>
    public string DatabasePath { get; set; } = "netns-policy.db";

    /// <summary>Simulations executing at once; 0 means one per core.</summary>
    [Range(0, 1024)]
    public int MaxConcurrentSimulations { get; set; }

    /// <summary>Runs admitted and not finished (queued or running); one more is refused with RESOURCE_EXHAUSTED.</summary>
    [Range(1, 100_000)]
    public int MaxQueuedRuns { get; set; } = 64;

    /// <summary>Tournaments running at once; one more is refused with RESOURCE_EXHAUSTED.</summary>
    [Range(1, 64)]
    public int MaxConcurrentTournaments { get; set; } = 2;

    /// <summary>Simulations one run may contain (contenders × seeds × replications).</summary>
    [Range(1, 1_000_000)]
    public int MaxSimulationsPerRun { get; set; } = 1_000;

    /// <summary>Namespaces one workload may create or hold (population + burst + loops × cycles + expected churn arrivals).</summary>
    [Range(1, 100_000_000)]
    public long MaxNamespacesPerWorkload { get; set; } = 100_000;

    /// <summary>Largest workload JSON accepted, in bytes.</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxWorkloadBytes { get; set; } = 256 * 1024;

    /// <summary>Largest gRPC message the service receives, in bytes (larger ones: RESOURCE_EXHAUSTED).</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Wall-clock limit of a run whose request gives none; zero means none.</summary>
    public TimeSpan DefaultRunTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Folder of policy plugins (one sub-folder each); empty means <c>plugins/</c> next to the program.</summary>
    public string PluginsDirectory { get; set; } = "";

    /// <summary>Watch the plugins folder and pick up added, updated and removed plugins without a restart.</summary>
    public bool WatchPlugins { get; set; } = true;

    /// <summary>
    /// Plugins trusted to run inside the service's process (folder names, policy ids or <c>sha256:HASH</c>). The shipped
    /// policies are trusted by their pinned hashes; every other plugin runs only in a sandboxed worker (docs/plugins.md).
    /// </summary>
    public string[] TrustedPlugins { get; set; } = [];

    /// <summary>
    /// Where the sandbox cannot be set up (no bubblewrap or user namespaces), plugins (folder names or policy ids) run
    /// unconfined in the service anyway instead of being refused. Ignored where the sandbox works.
    /// </summary>
    public string[] UnsandboxedPlugins { get; set; } = [];

    /// <summary>
    /// Refuse plugins whose code references forbidden APIs (docs/plugins.md). Early feedback for authors, not the
    /// security boundary: untrusted plugins are confined by the sandbox whether this is on or off.
    /// </summary>
    public bool PluginStaticCheck { get; set; } = true;

    /// <summary>Sandboxed workers kept started and waiting; 0 means one per simulation slot.</summary>
    [Range(0, 256)]
    public int SandboxWarmWorkers { get; set; }

    /// <summary>CPU seconds one sandboxed simulation may use before its worker is killed.</summary>
    [Range(1, 86_400)]
    public int SandboxCpuSeconds { get; set; } = 300;

    /// <summary>Wall time one sandboxed simulation may take before its worker is killed (the run's own timeout also applies).</summary>
    public TimeSpan SandboxWallTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Managed heap limit of a sandboxed worker, in bytes.</summary>
    [Range(64L << 20, 64L << 30)]
    public long SandboxMemoryBytes { get; set; } = 1L << 30;

    /// <summary>Failed sandboxed runs (crash, limit, invalid result) after which a plugin version is quarantined.</summary>
    [Range(1, 1000)]
    public int QuarantineAfterFailures { get; set; } = 3;

    /// <summary>On start, resume runs the previous process left queued or running (true), or mark them interrupted.</summary>
    public bool ResumeInterruptedRuns { get; set; } = true;

    /// <summary>Simulations executing at once, with 0 resolved to the core count.</summary>
    internal int EffectiveConcurrency => MaxConcurrentSimulations > 0 ? MaxConcurrentSimulations : Environment.ProcessorCount;
}
