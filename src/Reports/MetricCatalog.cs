namespace NetnsPolicy.Reports;

/// <summary>The metrics every report compares, in display order.</summary>
public static class MetricCatalog
{
    public const string TeardownSeconds = "teardown_seconds";
    public const string CreationLatencyP99 = "creation_latency_p99_ms";
    public const string CreationLatencyMax = "creation_latency_max_ms";
    public const string CleanupLatencyP99 = "cleanup_latency_p99_ms";
    public const string Throughput = "throughput_netns_per_second";
    public const string PeakMemory = "peak_memory_mib";
    public const string PeakBacklog = "peak_backlog";
    public const string EnospcFailures = "enospc_failures";
    public const string RcuWait = "rcu_wait_ms";

    /// <summary>
    /// Every metric with its resolution: simulated times are integer nanoseconds, latencies come from HdrHistograms
    /// with three significant digits (resolution 1 µs at the low end), counts are whole.
    /// </summary>
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        new(TeardownSeconds, "s", true, false, "first release to last free", r => r.TeardownSeconds, 1e-6),
        new(CreationLatencyP99, "ms", true, false, "99th percentile of netns creation latency", r => r.CreationLatencyMs.P99, 1e-3, r => r.CreationLatencyMs.Count > 0),
        new(CreationLatencyMax, "ms", true, false, "worst netns creation latency", r => r.CreationLatencyMs.Max, 1e-3, r => r.CreationLatencyMs.Count > 0),
        new(CleanupLatencyP99, "ms", true, false, "99th percentile of release-to-free latency", r => r.CleanupLatencyMs.P99, 1e-3, r => r.CleanupLatencyMs.Count > 0),
        new(Throughput, "netns/s", false, false, "nets freed per second over the teardown window", r => r.ThroughputNetnsPerSecond, 1e-3),
        new(PeakMemory, "MiB", true, false, "peak memory held by namespaces", r => r.PeakMemoryBytes / (1024.0 * 1024.0), 1.0 / 1024),
        new(PeakBacklog, "netns", true, true, "most nets queued for cleanup at once", r => r.PeakBacklog, 1),
        new(EnospcFailures, "count", true, true, "creations refused at max_net_namespaces", r => r.EnospcFailures, 1),
        new(RcuWait, "ms", true, false, "time threads spent blocked in synchronize_rcu and friends", r => r.Rcu.WaitTotalMs, 1e-3),
    ];

    /// <summary>The Pareto objectives: creation latency (p99, minimised), teardown throughput (maximised), peak memory (minimised).</summary>
    public static IReadOnlyList<string> ParetoObjectives { get; } = [CreationLatencyP99, Throughput, PeakMemory];

    /// <summary>A metric by id, or null.</summary>
    public static MetricDefinition? Find(string id) => All.FirstOrDefault(m => m.Id == id);
}
