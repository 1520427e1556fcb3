namespace NetnsPolicy.Calibration;

/// <summary>What <see cref="Prober"/> runs. The defaults finish in about a minute on a 2-CPU VM.</summary>
public sealed record ProbeOptions
{
    /// <summary>Serial create/destroy cycles (unshare(CLONE_NEWNET), then back to the host netns).</summary>
    public int SerialCycles { get; init; } = 300;

    /// <summary>Burst sizes: each a burst of N netns with a veth pair, destroyed at once. All but the last are fitted; the last is held out.</summary>
    public IReadOnlyList<int> BurstSizes { get; init; } = [32, 96, 192];

    /// <summary>Interval of the creation probe that runs during each burst.</summary>
    public double ProbeIntervalMs { get; init; } = 5;

    /// <summary>Namespaces held at once to measure memory per netns.</summary>
    public int MemoryNetns { get; init; } = 100;

    /// <summary>Runs of each burst; the quantities are medians over the runs.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Longest wait for a burst's teardown to become visible.</summary>
    public TimeSpan TeardownTimeout { get; init; } = TimeSpan.FromSeconds(120);
}
