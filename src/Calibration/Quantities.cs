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

        var values = runs.Select(r => Predict(name, r, e)).ToList();
        if (IsWindowed(name))
        {
            // As the probe: the median over the runs that had a creation in the window.
            values = values.Where(v => v is not null).ToList();
            return values.Count == 0 ? null : Prober.Percentile(values.Select(v => v!.Value).ToList(), 0.5);
        }

        return values.Any(v => v is null) ? null : Prober.Percentile(values.Select(v => v!.Value).ToList(), 0.5);
    }
}
