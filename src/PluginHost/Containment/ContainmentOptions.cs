namespace NetnsPolicy.PluginHost.Containment;

/// <summary>Limits on a policy's code within one in-process run (docs/plugins.md, "Containment").</summary>
public sealed record ContainmentOptions
{
    /// <summary>The defaults: 250 ms CPU and 64 MiB allocated per decision, 10 s wall per decision.</summary>
    public static ContainmentOptions Default { get; } = new();

    /// <summary>
    /// CPU time one decision call may use (thread CPU time on Linux, wall time elsewhere). Exceeding it faults the run
    /// once the call returns.
    /// </summary>
    public TimeSpan DecisionCpu { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Bytes one decision call may allocate (<see cref="GC.GetAllocatedBytesForCurrentThread"/>).</summary>
    public long DecisionAllocatedBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Wall time after which a decision that has not returned is declared hung: the watchdog of
    /// <see cref="PolicyRunner"/> ends the run with <c>policy-fault</c> and abandons its thread.
    /// </summary>
    public TimeSpan DecisionWallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Wall time a whole in-process run may take; null for no limit (a slow engine run is not a fault).</summary>
    public TimeSpan? RunWallTimeout { get; init; }

    /// <summary>How long listing a plugin (its constructor and <c>Descriptor</c>) may take.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
