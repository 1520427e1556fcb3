namespace NetnsPolicy.Tournaments.Definition;

/// <summary>
/// A validated tournament (format in docs/tournaments.md): the policy entries with every sweep expanded, the tracks
/// with their workloads resolved to JSON, and how runs are scored and gated. Built by <see cref="TournamentLoader"/>.
/// </summary>
public sealed record Tournament
{
    public const int CurrentFormatVersion = 1;

    public string Name { get; init; } = "";
    public string Description { get; init; } = "";

    /// <summary>Name of the baseline entry.</summary>
    public string Baseline { get; init; } = "";
    public IReadOnlyList<PolicyEntry> Entries { get; init; } = [];
    public IReadOnlyList<Track> Tracks { get; init; } = [];
    public int Replications { get; init; } = 5;

    /// <summary>Seed for every run, or null to use each track's workload seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Ids of the metrics scored (<see cref="Reports.MetricCatalog"/>).</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];
    public IReadOnlyList<GateSpec> Gates { get; init; } = [];
    public int StabilityResamples { get; init; } = 1000;
    public ulong StabilitySeed { get; init; } = 1;

    /// <summary>Wall-clock budget for starting runs, or null for none.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>The practical thresholds of every track's verdicts.</summary>
    public Reports.PracticalThresholds Thresholds { get; init; } = Reports.PracticalThresholds.Default;

    /// <summary>Keep every run's series as recorded in the reports (bigger files) instead of aggregating them to the plots' pixel grid.</summary>
    public bool FullSeries { get; init; }

    public PolicyEntry BaselineEntry => Entries.Single(e => e.Name == Baseline);
}
