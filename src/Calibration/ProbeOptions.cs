namespace NetnsPolicy.Calibration;

/// <summary>What <see cref="Prober"/> runs. The defaults finish in about six minutes on a 2-CPU VM (bursts up to 2000 netns, five runs each).</summary>
public sealed record ProbeOptions
{
    /// <summary>Serial create/destroy cycles (unshare(CLONE_NEWNET), then back to the host netns).</summary>
    public int SerialCycles { get; init; } = 300;

    /// <summary>
    /// Pauses before a creation, one creation-gap experiment each (<c>gap-5ms</c>): serial create/destroy cycles with
    /// that much sleep before each creation, all pauses interleaved in one seeded order (docs/calibration.md, "A
    /// creation after a pause runs cold"). Empty: none.
    /// </summary>
    public IReadOnlyList<double> CreationGapsMs { get; init; } = [0, 1, 5, 20, 50];

    /// <summary>Creations per creation-gap experiment.</summary>
    public int GapCycles { get; init; } = 60;

    /// <summary>Burst sizes: each a burst of N netns with a veth pair, destroyed at once. All but the last are fitted; the last is held out.</summary>
    public IReadOnlyList<int> BurstSizes { get; init; } = [32, 128, 512, 1000, 2000];

    /// <summary>
    /// Experiments <c>calibrate</c> must not fit (validate's held-out set), by name (<c>burst-1000-veth</c>,
    /// <c>churn-50</c>). Null: the second-largest burst (the largest when there are fewer than three), the middle churn
    /// rate, and every parallel-loop experiment.
    /// </summary>
    public IReadOnlyCollection<string>? HeldOut { get; init; }

    /// <summary>Churn arrival rates (Poisson, per second); each rate is one experiment.</summary>
    public IReadOnlyList<double> ChurnRates { get; init; } = [20, 50, 100];

    /// <summary>How long each churn experiment's arrivals go on.</summary>
    public double ChurnDurationMs { get; init; } = 6000;

    /// <summary>Mean of the exponential lifetime of a churned namespace.</summary>
    public double ChurnLifetimeMs { get; init; } = 300;

    /// <summary>Parallel loops of serial create/destroy cycles: one experiment per count (each loop runs <see cref="LoopCycles"/> cycles).</summary>
    public IReadOnlyList<int> ParallelLoops { get; init; } = [2, 4];

    public int LoopCycles { get; init; } = 150;

    /// <summary>Bursts at least this large get a perf-sampled kernel profile of their teardown (0: none).</summary>
    public int PerfMinBurst { get; init; } = 500;

    /// <summary>
    /// perf-sampled runs of each such burst, after its <see cref="Repeats"/> timed runs and not counted in them; their
    /// profiles are pooled (0: none).
    /// </summary>
    public int PerfRuns { get; init; } = 3;

    /// <summary>
    /// Trace cleanup_net's batch boundaries during each burst's timed runs (workqueue tracepoints in a tracefs instance
    /// of the probe's own; skipped with a note where tracefs is not available).
    /// </summary>
    public bool TraceBatches { get; init; } = true;

    /// <summary>Interval of the creation probe that runs during each burst.</summary>
    public double ProbeIntervalMs { get; init; } = 5;

    /// <summary>Namespaces held at once to measure memory per netns.</summary>
    public int MemoryNetns { get; init; } = 100;

    /// <summary>Timed synchronize_rcu calls on the idle host (<see cref="GracePeriodProbe"/>), 3 ms apart; 0: none.</summary>
    public int GracePeriodSamples { get; init; } = 200;

    /// <summary>Timed runs of the reference work (<see cref="ReferenceWork"/>) before each experiment; 0: none.</summary>
    public int ReferenceRuns { get; init; } = 5;

    /// <summary>Runs of each burst; the quantities are medians over the runs.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>Longest wait for a burst's teardown to become visible.</summary>
    public TimeSpan TeardownTimeout { get; init; } = TimeSpan.FromSeconds(120);
}
