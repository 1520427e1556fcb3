namespace NetnsPolicy.Simulation.Kernel;

/// <summary>Random stream ids: one per consumer, so adding one never shifts another's draws.</summary>
internal static class StreamIds
{
    public const ulong Rcu = 1;
    public const ulong Listeners = 2;
    public const ulong ChurnArrivals = 3;
    public const ulong ChurnLifetimes = 4;
    public const ulong Leaks = 5;
    public const ulong RtnlUsers = 100;

    /// <summary>Loop i's gaps between cycles (<c>loops.gap_quantiles_ms</c>) draw from stream LoopGaps + i.</summary>
    public const ulong LoopGaps = 0x4C00_0000;
}
