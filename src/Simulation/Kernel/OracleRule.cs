namespace NetnsPolicy.Simulation.Kernel;

/// <summary>The correctness oracles of KERNEL-MODEL.md §8, checked in every run.</summary>
internal static class OracleRule
{
    public const string RcuSafety = "rcu-safety";
    public const string Uevent = "uevent";
    public const string Liveness = "liveness";
    public const string Conservation = "conservation";
    public const string Exclusion = "exclusion";
}
