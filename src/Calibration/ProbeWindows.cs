using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Calibration;

/// <summary>
/// A burst's probe creations split by when they started, so both sides are compared over the same stretch of the
/// experiment: the teardown (from the release to the last host-side peer gone) and the creation phase (before the
/// release: the host's probe runs while <c>ip -batch</c> creates the namespaces). Latencies in ms.
/// </summary>
/// <remarks>
/// The whole-run probe quantities mix the two in proportions that differ between host and model: on the host the
/// creation phase of 512 netns lasts ≈ 3.5 s (the mounts of <c>ip netns add</c>), in the model 0.25 s, so most host
/// samples come from it and most simulated ones are idle creations after the teardown (docs/calibration.md).
/// </remarks>
public sealed record ProbeWindows(IReadOnlyList<double> Teardown, IReadOnlyList<double> CreatePhase)
{
    /// <summary>Splits creations by their start (seconds from the release) against the teardown's end.</summary>
    public static ProbeWindows Split(IReadOnlyList<double> startS, IReadOnlyList<double> ms, double peersGoneS)
    {
        var teardown = new List<double>();
        var create = new List<double>();
        for (var i = 0; i < ms.Count; i++)
        {
            if (startS[i] < 0)
            {
                create.Add(ms[i]);
            }
            else if (startS[i] <= peersGoneS)
            {
                teardown.Add(ms[i]);
            }
        }

        return new ProbeWindows(teardown, create);
    }

    /// <summary>A simulated run's windows: its probe creations against its release and last host-side peer.</summary>
    public static ProbeWindows Of(RunResult r)
    {
        var release = r.Generators.BurstReleasedSeconds ?? 0;
        return Split(r.ProbeCreations.Select(c => c.StartSeconds - release).ToList(), r.ProbeCreations.Select(c => c.LatencyMs).ToList(), r.HostPeersGoneSeconds);
    }

    /// <summary>The window a windowed quantity (<see cref="Calibration.Quantities.TeardownPrefix"/>, <see cref="Calibration.Quantities.CreatePhasePrefix"/>) reads.</summary>
    public IReadOnlyList<double> For(string quantity) => quantity.StartsWith(Calibration.Quantities.TeardownPrefix, StringComparison.Ordinal) ? Teardown : CreatePhase;

    /// <summary>
    /// p50, p90 and CV of one window as the probe summarises its runs: each run's value, the median over the runs
    /// that had a creation in the window (none when no run had).
    /// </summary>
    public static IEnumerable<MeasuredQuantity> Quantities(string prefix, IReadOnlyList<IReadOnlyList<double>> perRun)
    {
        var runs = perRun.Where(w => w.Count > 0).ToList();
        if (runs.Count == 0)
        {
            yield break;
        }

        foreach (var name in new[] { Calibration.Quantities.CreationMsP50, Calibration.Quantities.CreationMsP90, Calibration.Quantities.CreationMsCv })
        {
            yield return new MeasuredQuantity(prefix + name, Math.Round(Prober.Percentile(runs.Select(w => Value(name, w)).ToList(), 0.5), 6), name == Calibration.Quantities.CreationMsCv ? "1" : "ms");
        }
    }

    /// <summary>One run's value of an unprefixed creation quantity over one window's latencies.</summary>
    public static double Value(string name, IReadOnlyList<double> ms) => name switch
    {
        Calibration.Quantities.CreationMsP50 => Prober.Percentile(ms, 0.5),
        Calibration.Quantities.CreationMsP90 => Prober.Percentile(ms, 0.9),
        Calibration.Quantities.CreationMsCv => Spread.CvOfSamples(ms),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a windowed quantity"),
    };
}
