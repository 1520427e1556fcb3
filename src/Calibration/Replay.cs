using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Calibration;

/// <summary>Replays a measurement set's experiments in the simulation under one profile.</summary>
public sealed class Replay
{
    /// <summary>Replications of an experiment measured once on the host, under a profile with variation (medians are compared).</summary>
    public const int DefaultReplications = 5;

    private readonly string _dir;
    private readonly Dictionary<string, Workload> _workloads = new(StringComparer.Ordinal);

    public Replay(string dir, MeasurementSet set)
    {
        _dir = dir;
        Set = set;
        foreach (var e in set.Experiments)
        {
            _workloads[e.Name] = WorkloadLoader.Load(Path.Combine(dir, e.Workload));
        }
    }

    public MeasurementSet Set { get; }

    public string Directory => _dir;

    /// <summary>
    /// The quantities a fit uses: medians and means of the fitted experiments, memory (solved directly) and, for the
    /// variation, the spread (CV) of the fitted experiments; tails (p90, p99, max) and the other experiments are held out.
    /// </summary>
    /// <remarks>A burst's probe creation CV is not fitted: it is set by the few creations that wait for RTNL behind a
    /// whole unregister round (structure, not variation), and the variation cannot move it without spoiling the rest.</remarks>
    public static bool IsFitQuantity(Experiment e, MeasuredQuantity q) => e.Fit && e.Kind switch
    {
        "memory" => q.Name == Quantities.BytesPerNetns,
        "serial" or "loops" or "churn" => q.Name is Quantities.CreationMsP50 or Quantities.CreationMsMean or Quantities.CreationMsCv,
        CreationCacheFit.Kind => q.Name is Quantities.CreationMsP50 or Quantities.CreationMsMean,
        "burst" => q.Name is Quantities.PeersGoneSeconds or Quantities.PeersGoneCv || q.Name == BurstProbeP50(e),
        _ => false,
    };

    /// <summary>
    /// A quantity the model is known not to predict, reported apart from the held-out central ones: a burst probe's
    /// creation phase (ip -batch's mounts and link additions under RTNL are not modelled) and, where the folder has
    /// the windows, the whole run's probe median and CV, which mostly count creation-phase creations; and the release's
    /// duration, which depends on which batch boundary it meets (docs/calibration.md, thirteenth round); and the probe-only
    /// batches' duration (<see cref="Quantities.ProbeBatchMsP50"/>), twice the host's under every fit that keeps the
    /// teardown: the fitted grace periods under load are longer than the host's (same section).
    /// </summary>
    /// <remarks>
    /// A creation-gap experiment's spread (<c>gap-Pms</c>, CV) is not predicted either: the host ran every pause
    /// interleaved in one sequence, each creation's time also depending on the pauses before the previous ones
    /// (<see cref="CreationCacheFit"/> fits that sequence), while the replay runs each pause on its own.
    /// </remarks>
    public static bool IsNotPredicted(Experiment e, MeasuredQuantity q) => (e.Kind == CreationCacheFit.Kind && q.Name == Quantities.CreationMsCv) || IsBurstNotPredicted(e, q);

    private static bool IsBurstNotPredicted(Experiment e, MeasuredQuantity q) => e.Kind == "burst" &&
        (q.Name.StartsWith(Quantities.CreatePhasePrefix, StringComparison.Ordinal) || q.Name is Quantities.ReleaseSeconds or Quantities.ProbeBatchMsP50 || (q.Name is Quantities.CreationMsP50 or Quantities.CreationMsCv && BurstProbeP50(e) != Quantities.CreationMsP50));

    /// <summary>
    /// The burst probe's median a fit uses: over the teardown window when the probe recorded when each creation
    /// started (from 2026-12-02), else over the whole run. The whole run's median is mostly the host's creation
    /// phase (ip -batch's mounts and link additions, not modelled) on one side and idle creations on the other.
    /// </summary>
    private static string BurstProbeP50(Experiment e) =>
        e.Quantities.Any(q => q.Name == Quantities.TeardownPrefix + Quantities.CreationMsP50) ? Quantities.TeardownPrefix + Quantities.CreationMsP50 : Quantities.CreationMsP50;

    /// <summary>Replications of <paramref name="e"/> under <paramref name="profile"/>: one without variation (all would be identical), else as many as the host's runs.</summary>
    public static int Replications(KernelProfile profile, Experiment e) =>
        profile.Variation is null ? 1 : Math.Max(DefaultReplications, e.Repeats ?? 1);

    /// <summary>The experiment's workload.</summary>
    public Workload Workload(Experiment e) => _workloads[e.Name];

    /// <summary>
    /// Runs the experiments (only those with a quantity <paramref name="include"/> accepts, fitted ones by default when
    /// <paramref name="fittedOnly"/>) and compares every quantity. Replications run in parallel; each is a deterministic
    /// run of (seed, replication), so the result does not depend on the order they finish in.
    /// </summary>
    public IReadOnlyList<Comparison> Compare(KernelProfile profile, bool fittedOnly, CancellationToken token = default) => Compare(profile, fittedOnly, null, token);

    /// <inheritdoc cref="Compare(KernelProfile, bool, CancellationToken)"/>
    public IReadOnlyList<Comparison> Compare(KernelProfile profile, bool fittedOnly, Func<Experiment, MeasuredQuantity, bool>? include, CancellationToken token = default)
    {
        include ??= fittedOnly ? IsFitQuantity : (_, _) => true;
        var chosen = Set.Experiments
            .Select(e => (E: e, Quantities: e.Quantities.Concat(Quantities.Derived(e)).ToList()))
            .Where(x => x.Quantities.Any(q => include(x.E, q)))
            .ToList();

        // The experiments run in parallel as well as their replications (one replication each without variation):
        // every run is deterministic, and the rows come back in the set's order.
        var results = new IReadOnlyList<RunResult>[chosen.Count];
        Parallel.For(0, chosen.Count, new ParallelOptions { CancellationToken = token }, i => results[i] = Run(profile, chosen[i].E, token));
        var rows = new List<Comparison>();
        for (var i = 0; i < chosen.Count; i++)
        {
            var (e, quantities) = chosen[i];
            var runs = results[i];
            // A run that did not finish predicts nothing (the fit's objective charges it as a large error).
            var failed = runs.FirstOrDefault(r => r.Status != RunStatus.Ok);
            var note = failed is null ? null : $"simulation {failed.Status}: {failed.StatusDetail}";
            foreach (var q in quantities)
            {
                if (include(e, q))
                {
                    rows.Add(new Comparison(e.Name, q.Name, q.Unit, q.Value, note is null ? Quantities.Predict(q.Name, runs, e) : null, IsFitQuantity(e, q), note, IsNotPredicted(e, q)));
                }
            }
        }

        return rows;
    }

    /// <summary>The experiment's replications under <paramref name="profile"/>, in replication order.</summary>
    public IReadOnlyList<RunResult> Run(KernelProfile profile, Experiment e, CancellationToken token = default)
    {
        var n = Replications(profile, e);
        var runs = new RunResult[n];
        var w = _workloads[e.Name];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = token }, i =>
            runs[i] = SimulationEngine.Run(SimulationRequest.Upstream(w, profile, i), cancellationToken: token));
        return runs;
    }

    /// <summary>
    /// One replication of a burst as a perf-sampled run went: the probe started perf <see cref="PerfRecorder.StartupMs"/>
    /// before the release, so that run paused that much longer and the profile window opens then; it closes
    /// <c>profile_after_peers_gone_ms</c> after the last peer left, as perf stopped.
    /// </summary>
    public RunResult RunPerf(KernelProfile profile, Experiment e, int replication = 0, CancellationToken token = default)
    {
        var w = _workloads[e.Name];
        if (w.Burst is { } b)
        {
            w = w with { Burst = b with { DestroyAfterMs = b.DestroyAfterMs + PerfRecorder.StartupMs, ProfileBeforeReleaseMs = PerfRecorder.StartupMs } };
        }

        return SimulationEngine.Run(SimulationRequest.Upstream(w, profile, replication), cancellationToken: token);
    }

    /// <summary>
    /// The simulated profiles to set beside the host's pooled one: as many replications as the host pooled perf-sampled
    /// runs (<see cref="Experiment.PerfRuns"/>) under a profile with variation, one without (all would be identical).
    /// Replications run in parallel and come back in replication order.
    /// </summary>
    public IReadOnlyList<ProfileNode> PerfProfiles(KernelProfile profile, Experiment e, CancellationToken token = default)
    {
        var n = profile.Variation is null ? 1 : Math.Max(1, e.PerfRuns ?? 1);
        var profiles = new ProfileNode[n];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = token }, i => profiles[i] = RunPerf(profile, e, i, token).Profile);
        return profiles;
    }

    public override string ToString() => _dir;
}
