namespace NetnsPolicy.Reports;

/// <summary>The runs of one comparison: one workload and kernel profile, several policies, a named baseline.</summary>
/// <param name="Workload">Workload name.</param>
/// <param name="KernelProfile">Kernel profile id.</param>
/// <param name="Baseline">Policy id of the baseline (must be among <paramref name="Policies"/>).</param>
/// <param name="Policies">Every policy's runs, one per seed/replication, in the same replication order.</param>
public sealed record ComparisonInput(string Workload, string KernelProfile, string Baseline, IReadOnlyList<PolicyRuns> Policies)
{
    /// <summary>The smallest differences called better or worse.</summary>
    public PracticalThresholds Thresholds { get; init; } = PracticalThresholds.Default;

    /// <summary>Keep the runs' series as recorded instead of aggregating them to the plots' pixel grid (bigger reports).</summary>
    public bool FullSeries { get; init; }
}
