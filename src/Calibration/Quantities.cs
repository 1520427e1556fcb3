using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Calibration;

/// <summary>How each measured quantity is read from simulated runs of the same experiment.</summary>
public static class Quantities
{
    public const string CreationMsP50 = "creation_ms_p50";
    public const string CreationMsMean = "creation_ms_mean";
    public const string CreationMsP90 = "creation_ms_p90";
    public const string CreationMsP99 = "creation_ms_p99";
    public const string CreationMsMax = "creation_ms_max";
    /// <summary>Coefficient of variation of one run's creation latencies (<see cref="Spread.CvOfSamples"/>).</summary>
    public const string CreationMsCv = "creation_ms_cv";
    /// <summary>Release until the last host-side veth peer left /sys/class/net (simulated: RunResult.HostPeersGoneSeconds).</summary>
    public const string PeersGoneSeconds = "peers_gone_s";
    /// <summary>Coefficient of variation of <see cref="PeersGoneSeconds"/> across the runs of a burst.</summary>
    public const string PeersGoneCv = "peers_gone_cv";
    public const string BytesPerNetns = "bytes_per_netns";

    /// <summary>
    /// How long a burst's release took: the probe's one thread unmounting every netns's bind mount (simulated:
    /// GeneratorMetrics.BurstReleaseSeconds). It sets how cleanup_net's batches split the burst
    /// (docs/calibration.md, "The tenth round").
    /// </summary>
    public const string ReleaseSeconds = "release_s";

    /// <summary>
    /// The median duration of cleanup_net's runs before a burst's release that took only the probe's nets (a handful of
    /// lo-only nets each; pooled over the runs), from the host's traced batches (<see cref="CleanupBatchTrace"/>:
    /// <c>cleanup_batch_*</c> samples) and the simulation's <see cref="RunResult.CleanupRuns"/>. Such a run is mostly
    /// grace-period waits (netdev_run_todo's and cleanup_net's rcu_barrier), so it measures the machine's grace periods
    /// under the probe's load; and it is the cycle the release's first batch boundary falls into.
    /// </summary>
    public const string ProbeBatchMsP50 = "probe_batch_ms_p50";

    /// <summary>
    /// Prefix of a burst's probe creation quantities (p50, p90, CV) over the probe creations that started during the
    /// teardown, from the release to the last host-side peer gone, on both sides (<see cref="ProbeWindows"/>).
    /// </summary>
    public const string TeardownPrefix = "teardown_";

    /// <summary>Prefix of the same over the creations that started before the release (while the burst was created).</summary>
    public const string CreatePhasePrefix = "create_phase_";

    /// <summary>Whether <paramref name="name"/> is a windowed probe quantity (<see cref="TeardownPrefix"/>, <see cref="CreatePhasePrefix"/>).</summary>
    public static bool IsWindowed(string name) => name.StartsWith(TeardownPrefix, StringComparison.Ordinal) || name.StartsWith(CreatePhasePrefix, StringComparison.Ordinal);

    /// <summary>The creation quantity a windowed one is, without its window prefix.</summary>
    public static string Unwindowed(string name) => name.StartsWith(TeardownPrefix, StringComparison.Ordinal) ? name[TeardownPrefix.Length..] : name[CreatePhasePrefix.Length..];

    /// <summary>Spread quantities: what the variation model (<c>variation</c> of a profile) is fitted to and judged on.</summary>
    public static bool IsSpread(string name) => name is CreationMsCv or PeersGoneCv || (IsWindowed(name) && Unwindowed(name) == CreationMsCv);

    /// <summary>The simulated value of one run, or null when the simulation has no counterpart.</summary>
    public static double? Predict(string name, RunResult r, Experiment e) => name switch
    {
        _ when IsWindowed(name) => ProbeWindows.Of(r).For(name) is { Count: > 0 } w ? ProbeWindows.Value(Unwindowed(name), w) : null,
        CreationMsP50 => r.CreationLatencyMs.P50,
        CreationMsMean => r.CreationLatencyMs.Mean,
        CreationMsP90 => r.CreationLatencyMs.P90,
        CreationMsP99 => r.CreationLatencyMs.P99,
        CreationMsMax => r.CreationLatencyMs.Max,
        CreationMsCv => Spread.CvFromCdf(r.Series.CreationCdf),
        PeersGoneSeconds => r.HostPeersGoneSeconds,
        PeersGoneCv => 0,
        ReleaseSeconds => r.Generators.BurstReleaseSeconds,
        ProbeBatchMsP50 => ProbeBatches([r]) is { Count: > 0 } b ? Prober.Percentile(b, 0.5) : null,
        BytesPerNetns => e.Kind == "memory" && r.NetsCreated > 0 ? (double)r.PeakMemoryBytes / r.NetsCreated : null,
        _ => null,
    };

    /// <summary>
    /// The simulated value over replications, as the probe summarises its runs: the median of each run's value, and
    /// for <see cref="PeersGoneCv"/> the CV of the teardown across the replications.
    /// </summary>
    public static double? Predict(string name, IReadOnlyList<RunResult> runs, Experiment e)
    {
        if (name == PeersGoneCv)
        {
            return Spread.Cv(runs.Select(r => r.HostPeersGoneSeconds).ToList());
        }

        if (name == ProbeBatchMsP50)
        {
            // Pooled over the replications, as the host's batches are over its runs.
            var pooled = ProbeBatches(runs);
            return pooled.Count == 0 ? null : Prober.Percentile(pooled, 0.5);
        }

        var values = runs.Select(r => Predict(name, r, e)).ToList();
        if (IsWindowed(name))
        {
            // As the probe: the median over the runs that had a creation in the window.
            values = values.Where(v => v is not null).ToList();
            return values.Count == 0 ? null : Prober.Percentile(values.Select(v => v!.Value).ToList(), 0.5);
        }

        return values.Any(v => v is null) ? null : Prober.Percentile(values.Select(v => v!.Value).ToList(), 0.5);
    }

    /// <summary>
    /// Quantities computed from an experiment's samples rather than summarised by the probe (so folders probed before
    /// they were defined have them): <see cref="ProbeBatchMsP50"/> from a burst's traced batches.
    /// </summary>
    public static IReadOnlyList<MeasuredQuantity> Derived(Experiment e)
    {
        if (e.Kind != "burst" || e.Quantities.Any(q => q.Name == ProbeBatchMsP50))
        {
            return [];
        }

        var s = e.Samples;
        if (!s.TryGetValue("cleanup_batch_start_ms", out var start) || !s.TryGetValue("cleanup_batch_end_ms", out var end)
            || !s.TryGetValue("cleanup_batch_burst_nets", out var burst) || !s.TryGetValue("cleanup_batch_probe_nets", out var probe))
        {
            return [];
        }

        // Times are relative to the release; an end of -1 is a batch still running when tracing stopped.
        var durations = Enumerable.Range(0, start.Count)
            .Where(i => burst[i] == 0 && probe[i] > 0 && end[i] != -1 && end[i] <= 0)
            .Select(i => end[i] - start[i])
            .ToList();
        return durations.Count < MinProbeBatches ? [] : [new MeasuredQuantity(ProbeBatchMsP50, Math.Round(Prober.Percentile(durations, 0.5), 4), "ms")];
    }

    /// <summary>
    /// Probe-only batches a burst's runs must have had for <see cref="ProbeBatchMsP50"/>: a small burst is created in
    /// well under a second, before which the host has a few such batches (4–5 in seven runs of 32 netns) and the
    /// simulation may have none — a median of nothing, which a fit would charge as a failed run.
    /// </summary>
    public const int MinProbeBatches = 20;

    /// <summary>The durations (ms) of the runs' cleanup_net runs that took only probe nets and ended by the burst's release.</summary>
    private static List<double> ProbeBatches(IEnumerable<RunResult> runs) =>
        ProbeOnlyRuns(runs).Select(c => (c.EndSeconds - c.StartSeconds) * 1000).ToList();

    /// <summary>The simulations' cleanup_net runs that took only probe nets and ended by the burst's release, pooled.</summary>
    internal static IEnumerable<CleanupRun> ProbeOnlyRuns(IEnumerable<RunResult> runs) =>
        runs.Where(r => r.Generators.BurstReleasedSeconds is not null)
            .SelectMany(r => r.CleanupRuns.Where(c => c.BurstNets == 0 && c.ProbeNets > 0 && c.EndSeconds <= r.Generators.BurstReleasedSeconds!.Value));
}
