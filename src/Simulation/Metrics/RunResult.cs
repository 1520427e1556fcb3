namespace NetnsPolicy.Simulation.Metrics;

/// <summary>
/// The result of one simulated run, serialized as the versioned JSON schema in docs/metrics-schema.md
/// (<see cref="RunResultJson"/>). Field order is fixed so the same run gives byte-identical JSON.
/// </summary>
public sealed record RunResult
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public string EngineVersion { get; init; } = SimulationEngine.Version;

    /// <summary>ok, oom, stalled, policy-fault or cancelled.</summary>
    public string Status { get; init; } = RunStatus.Ok;
    public string? StatusDetail { get; init; }
    public string Workload { get; init; } = "";
    public string KernelProfile { get; init; } = "";
    public string Policy { get; init; } = "";
    public string PolicyParameters { get; init; } = "";
    public ulong Seed { get; init; }
    public int Replication { get; init; }
    public double SimulatedSeconds { get; init; }
    /// <summary>Events processed by the engine (CPU segments completed, wake-ups, timers, grace periods).</summary>
    public long Events { get; init; }

    /// <summary>Simulated kernel actions interpreted (CPU segments, lock operations, calls, waits).</summary>
    public long Steps { get; init; }

    /// <summary>First release to last free, in seconds (0 when nothing was released).</summary>
    public double TeardownSeconds { get; init; }

    /// <summary>
    /// With a burst: its release to the removal from sysfs of the last host-side veth peer of a dying net (otherwise
    /// from the first release), in seconds, 0 when none: the teardown a host can observe, which
    /// <c>netns-policy probe</c> measures.
    /// </summary>
    public double HostPeersGoneSeconds { get; init; }
    public LatencySummary CleanupLatencyMs { get; init; } = LatencySummary.Empty;
    public LatencySummary CreationLatencyMs { get; init; } = LatencySummary.Empty;

    /// <summary>
    /// The probe's creations with their start times, for calibration's windowed comparisons with the host's probe
    /// (src/Calibration/ProbeWindows.cs). Not part of the JSON schema: in-process callers only.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<ProbeCreation> ProbeCreations { get; init; } = [];

    /// <summary>
    /// cleanup_net's runs that took at least one net (the first <see cref="CleanupRunLimit"/>), for calibration's
    /// comparison with the host's traced batches. Not part of the JSON schema: in-process callers only.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<CleanupRun> CleanupRuns { get; init; } = [];

    /// <summary>How many cleanup_net runs <see cref="CleanupRuns"/> keeps.</summary>
    public const int CleanupRunLimit = 4096;

    /// <summary>
    /// Null for a complete run. Set by a holder that dropped the run's series and profile to keep less alive (the
    /// tournament runner, for the replications a report does not show): the digest of the whole run's JSON, its
    /// policy's identity blanked, taken before (src/Reports/RunFingerprint.cs), which the identical-to-baseline check
    /// compares in place of the JSON; empty when none was taken, the counters telling the run from the baseline's. A
    /// copy made with <c>with</c> keeps it, so change nothing else of a run carrying one. Not part of the JSON schema:
    /// in-process callers only.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public byte[]? Fingerprint { get; init; }

    /// <summary>Nets freed per second over the teardown window.</summary>
    public double ThroughputNetnsPerSecond { get; init; }
    public long PeakMemoryBytes { get; init; }
    public int PeakBacklog { get; init; }
    public long EnospcFailures { get; init; }

    /// <summary>Simulated time of the OOM in seconds, or null.</summary>
    public double? Oom { get; init; }
    public long NetsCreated { get; init; }
    public long NetsFreed { get; init; }
    public int Batches { get; init; }
    /// <summary>netdev_wait_allrefs: devices that waited for references, "waiting for … to become free" warnings, total wait.</summary>
    public NetdevWaitMetrics NetdevWait { get; init; } = new(0, 0, 0);

    /// <summary>When each workload generator finished, in simulated seconds (null when the workload has none).</summary>
    public GeneratorMetrics Generators { get; init; } = new();
    public IReadOnlyDictionary<string, LockMetrics> Locks { get; init; } = new Dictionary<string, LockMetrics>();
    public RcuMetrics Rcu { get; init; } = new();
    public UeventMetrics Uevents { get; init; } = new();
    public ProfileNode Profile { get; init; } = new();
    public IReadOnlyDictionary<string, DecisionCount> Decisions { get; init; } = new Dictionary<string, DecisionCount>();
    public IReadOnlyList<OracleViolation> OracleViolations { get; init; } = [];
    public RunSeries Series { get; init; } = new();
}

/// <summary>Run status strings.</summary>
public static class RunStatus
{
    public const string Ok = "ok";
    public const string Oom = "oom";
    public const string Stalled = "stalled";
    public const string PolicyFault = "policy-fault";
    public const string Cancelled = "cancelled";

    /// <summary>The runner's work budget (events, pending events or devices) was exceeded; the detail names which.</summary>
    public const string BudgetExceeded = "budget-exceeded";
}

/// <summary>A latency distribution in milliseconds (from an HdrHistogram with 3 significant digits).</summary>
public sealed record LatencySummary(long Count, double Mean, double P50, double P90, double P99, double P999, double Max)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0);
}

/// <summary>Devices whose unregistration waited for leaked references.</summary>
public sealed record NetdevWaitMetrics(long Devices, long Warnings, double WaitTotalMs);

/// <summary>When the workload's generators finished: a loop's duration is read directly, as commit messages report it.</summary>
public sealed record GeneratorMetrics
{
    /// <summary>When the last loop finished its last cycle (its last release returned).</summary>
    public double? LoopsDoneSeconds { get; init; }

    /// <summary>When the last churn process released its namespace (arrivals over and every process gone).</summary>
    public double? ChurnDoneSeconds { get; init; }

    /// <summary>When the burst's owners exited, releasing every namespace at once.</summary>
    public double? BurstReleasedSeconds { get; init; }

    /// <summary>
    /// How long the burst's release took (its last namespace's reference dropped; with <c>release: umount</c> one
    /// expedited grace period per namespace). For calibration's replay, not in the result's JSON, which stays as it was.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? BurstReleaseSeconds { get; init; }
}

/// <summary>One creation by the workload's probe: when it started (simulated seconds) and how long it took.</summary>
public readonly record struct ProbeCreation(double StartSeconds, double LatencyMs);

/// <summary>
/// One run of cleanup_net from the worker's start of the work item to its end (the host's
/// <c>workqueue_execute_start</c> / <c>workqueue_execute_end</c>, src/Calibration/CleanupBatchTrace.cs), with how many
/// of its nets were the burst's and the probe's, the worker's CPU time in the run (<paramref name="CpuMs"/>: its steps and
/// the interrupts they took) and its time in rcu_barrier (<paramref name="BarrierMs"/>: netdev_run_todo's and cleanup_net's
/// own — every rcu_barrier wait of the teardown path that ended during the run, so a concurrent <c>ip link del</c>'s
/// netdev_run_todo would count too; the host's counterparts: scripts/trace-cleanup-waits.py).
/// </summary>
public readonly record struct CleanupRun(double StartSeconds, double EndSeconds, int Nets, int BurstNets, int ProbeNets, double CpuMs = 0, double BarrierMs = 0);

/// <summary>Hold and wait statistics of one lock.</summary>
public sealed record LockMetrics(long Acquisitions, long Contended, double HoldTotalMs, double HoldMaxMs, double WaitTotalMs, double WaitMaxMs);

/// <summary>RCU activity.</summary>
public sealed record RcuMetrics
{
    public long NormalGracePeriods { get; init; }
    public long ExpeditedGracePeriods { get; init; }
    public long SynchronizeNormal { get; init; }
    public long SynchronizeExpedited { get; init; }
    public long SynchronizeOverlapped { get; init; }
    public long SynchronizeSkipped { get; init; }
    public long SynchronizeShortcut { get; init; }
    /// <summary>Total time threads spent blocked in synchronize calls.</summary>
    public double WaitTotalMs { get; init; }
    /// <summary>Wait time of the cleanup worker alone.</summary>
    public double CleanupWaitMs { get; init; }
    public long CallRcuCallbacks { get; init; }
    public long RcuBarriers { get; init; }
    public double BarrierWaitMs { get; init; }
}

/// <summary>Uevent activity.</summary>
public sealed record UeventMetrics
{
    public long Sent { get; init; }
    public long Suppressed { get; init; }
    public long SocketVisits { get; init; }
    public long SkbAllocations { get; init; }
}

/// <summary>A perf-style call-tree node: CPU time of a simulated kernel function.</summary>
public sealed record ProfileNode
{
    public string Name { get; init; } = "all";
    public double SelfMs { get; init; }
    public double TotalMs { get; init; }
    /// <summary>Self time as a percentage of all CPU time in the teardown window.</summary>
    public double SelfPct { get; init; }
    /// <summary>Time of this node and its descendants as a percentage (perf's "children").</summary>
    public double ChildrenPct { get; init; }
    public IReadOnlyList<ProfileNode> Children { get; init; } = [];
}

/// <summary>How often a decision point was asked, and how often the answer differed from the kernel's.</summary>
public sealed record DecisionCount(long Calls, long Changed);

/// <summary>A broken kernel rule (KERNEL-MODEL.md §8).</summary>
public sealed record OracleViolation(string Rule, long TimeNs, string Objects, string Message);

/// <summary>Bounded time series for plots.</summary>
public sealed record RunSeries
{
    /// <summary>Sample times in ms, with backlog and memory at each.</summary>
    public IReadOnlyList<double> TimeMs { get; init; } = [];
    public IReadOnlyList<int> Backlog { get; init; } = [];
    public IReadOnlyList<long> MemoryBytes { get; init; } = [];
    /// <summary>Cleanup batches: [start ms, setup-lock hold end ms, size] (the first 1000).</summary>
    public IReadOnlyList<double[]> Batches { get; init; } = [];
    /// <summary>Grace periods: [start ms, end ms, 0 normal / 1 expedited] (the first 2000).</summary>
    public IReadOnlyList<double[]> GracePeriods { get; init; } = [];
    /// <summary>Creation latency CDF: [latency ms, cumulative fraction].</summary>
    public IReadOnlyList<double[]> CreationCdf { get; init; } = [];
    /// <summary>Cleanup latency CDF: [latency ms, cumulative fraction].</summary>
    public IReadOnlyList<double[]> CleanupCdf { get; init; } = [];
}
