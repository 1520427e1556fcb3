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

    /// <summary>The longest timeout a request may ask for; longer ones are refused (INVALID_ARGUMENT, <c>timeout</c>).</summary>
    public TimeSpan MaxRunTimeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Events one simulation may process (queued events and CPU segments); more ends it as <c>budget-exceeded</c>.
    /// The shipped workloads need at most 0.46 million (vsftpd-churn) and a 100 000-namespace burst 7.2 million; the
    /// engine processes 5–11 million per second on 2 cores (docs/service.md, Work budgets), so a runaway simulation
    /// ends within about two seconds of one worker.
    /// </summary>
    [Range(4096, long.MaxValue)]
    public long SimulationEventBudget { get; set; } = 10_000_000;

    /// <summary>Events one simulation may hold pending at once (timers, wake-ups); more ends it as <c>budget-exceeded</c>.</summary>
    [Range(1, long.MaxValue)]
    public long SimulationPendingEventBudget { get; set; } = 1_000_000;

    /// <summary>Network devices one simulation may create (initial population included); more ends it as <c>budget-exceeded</c>.</summary>
    [Range(1, long.MaxValue)]
    public long SimulationDeviceBudget { get; set; } = 1_000_000;

    /// <summary>Devices a workload is estimated to create (namespaces × devices per namespace); more is refused at admission.</summary>
    [Range(1, long.MaxValue)]
    public long MaxDevicesPerWorkload { get; set; } = 1_000_000;

    /// <summary>Probe creations a workload is estimated to make (probe window ÷ interval); more is refused at admission.</summary>
    [Range(1, long.MaxValue)]
    public long MaxProbesPerWorkload { get; set; } = 1_000_000;

    /// <summary>RTNL users one workload may run.</summary>
    [Range(0, 1_000_000)]
    public int MaxRtnlUsers { get; set; } = 256;

    /// <summary>RTNL acquisitions per simulated second all RTNL users together may attempt (count ÷ mean interval).</summary>
    [Range(1, double.MaxValue)]
    public double MaxRtnlAttemptsPerSecond { get; set; } = 1_000_000;

    /// <summary>Simulations one tournament may contain (tracks × entries after sweeps × replications).</summary>
    [Range(1, 10_000_000)]
    public int MaxSimulationsPerTournament { get; set; } = 10_000;

    /// <summary>
    /// Managed heap the process may use before it refuses new runs and tournaments (RESOURCE_EXHAUSTED, <c>memory</c>);
    /// 0: 75 % of the GC's hard limit, or of the memory available to the process when it has none.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MaxHeapBytes { get; set; }

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

    /// <summary>
    /// API keys the operator hands out (<c>NetnsPolicy__ApiKeys__0__Key=…</c>, <c>__Principal</c>, <c>__Admin</c>). Sent as
    /// <c>x-api-key</c> or <c>authorization: Bearer</c>. Required on every call (health excepted) when the service
    /// listens beyond loopback or <see cref="RequireApiKeys"/> is set; optional on loopback.
    /// </summary>
    public IList<ApiKeyEntry> ApiKeys { get; } = [];

    /// <summary>Require a key even on loopback.</summary>
    public bool RequireApiKeys { get; set; }

    /// <summary>Host names the HTTP endpoints answer to (host filtering against DNS rebinding); empty: loopback names when listening on loopback, else any.</summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Origins allowed to call the HTTP/JSON gateway and gRPC-Web from a browser (CORS); none by default.</summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>True when <see cref="ListenAddress"/> is a loopback address.</summary>
    internal bool ListensOnLoopbackOnly =>
        ListenAddress is "localhost" || (System.Net.IPAddress.TryParse(ListenAddress, out var a) && System.Net.IPAddress.IsLoopback(a));

    /// <summary>True when every call must carry a key.</summary>
    internal bool KeysRequired => RequireApiKeys || !ListensOnLoopbackOnly;

    /// <summary>Finished runs older than this are deleted (with the results nothing else uses); zero keeps them.</summary>
    public TimeSpan RetentionMaxAge { get; set; }

    /// <summary>While the store holds more than this many bytes, the oldest finished runs are deleted; zero: no bound.</summary>
    [Range(0, long.MaxValue)]
    public long RetentionMaxBytes { get; set; }

    /// <summary>How often retention is applied (also once at start).</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The work budget every simulation runs under.</summary>
    internal NetnsPolicy.Simulation.Engine.SimulationBudget SimulationBudget =>
        new(SimulationEventBudget, SimulationPendingEventBudget, SimulationDeviceBudget);

    /// <summary>Simulations executing at once, with 0 resolved to the core count.</summary>
    internal int EffectiveConcurrency => MaxConcurrentSimulations > 0 ? MaxConcurrentSimulations : Environment.ProcessorCount;
}

/// <summary>One API key and whose it is.</summary>
public sealed class ApiKeyEntry
{
    /// <summary>The secret the client sends.</summary>
    public string Key { get; set; } = "";

    /// <summary>The identity the key stands for: runs it submits are its own; fairness is per identity.</summary>
    public string Principal { get; set; } = "";

    /// <summary>May cancel and delete any run.</summary>
    public bool Admin { get; set; }
}
