using NetnsPolicy.Reports;

namespace NetnsPolicy.Tournaments;

/// <summary>The outcome of a tournament (JSON schema versioned by <see cref="SchemaVersion"/>; see docs/tournaments.md).</summary>
public sealed record TournamentResult
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public string Baseline { get; init; } = "";

    /// <summary>Every policy entry, in file order (plots colour entries by this order).</summary>
    public IReadOnlyList<string> Entries { get; init; } = [];

    /// <summary>The metrics scored.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];
    public int RunsPlanned { get; init; }
    public int RunsCompleted { get; init; }

    /// <summary>True when the time budget stopped the tournament before every planned run started.</summary>
    public bool BudgetExhausted { get; init; }
    public IReadOnlyList<TrackResult> Tracks { get; init; } = [];

    /// <summary>Ranking over the scored (not held-out) tracks; lower score is better, the baseline scores 1.</summary>
    public IReadOnlyList<RankingRow> Ranking { get; init; } = [];

    /// <summary>Ranking over the held-out tracks alone (empty when there are none).</summary>
    public IReadOnlyList<RankingRow> HeldOutRanking { get; init; } = [];
    public RankStability Stability { get; init; } = new();

    /// <summary>Each track's winner and Pareto front, beside the single overall score.</summary>
    public IReadOnlyList<TrackWinner> TrackWinners { get; init; } = [];
    public IReadOnlyList<GateOutcome> Gates { get; init; } = [];

    /// <summary>True when any gate failed: the CLI exits non-zero.</summary>
    public bool AnyGateFailed { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>One track: its comparison report and every entry's score there.</summary>
public sealed record TrackResult
{
    public string Name { get; init; } = "";
    public string Workload { get; init; } = "";
    public string KernelProfile { get; init; } = "";
    public bool HeldOut { get; init; }
    public ulong Seed { get; init; }

    /// <summary>The comparison of every entry with runs; null when the baseline has none (budget).</summary>
    public ComparisonReport? Report { get; init; }
    public IReadOnlyList<TrackScore> Scores { get; init; } = [];
}

/// <summary>An entry's score on one track.</summary>
public sealed record TrackScore
{
    public string Entry { get; init; } = "";
    public int Runs { get; init; }
    public bool Disqualified { get; init; }

    /// <summary>Geometric mean of the normalised metric ratios; null without runs.</summary>
    public double? Score { get; init; }

    /// <summary>Normalised ratio per scored metric (below 1: better than the baseline).</summary>
    public IReadOnlyDictionary<string, double> MetricRatios { get; init; } = new Dictionary<string, double>();
}

/// <summary>A line of a ranking.</summary>
public sealed record RankingRow
{
    /// <summary>1 for the best; null when the entry is not ranked (disqualified or missing runs).</summary>
    public int? Rank { get; init; }
    public string Entry { get; init; } = "";
    public string Policy { get; init; } = "";
    public string Parameters { get; init; } = "";
    public bool IsBaseline { get; init; }

    /// <summary>Geometric mean over the ranking's tracks of the track scores.</summary>
    public double? Score { get; init; }
    public bool Disqualified { get; init; }

    /// <summary>Share of bootstrap resamples this entry won (scored ranking only).</summary>
    public double WinShare { get; init; }

    /// <summary>Mean rank over bootstrap resamples (scored ranking only).</summary>
    public double MeanRank { get; init; }

    /// <summary>Why the entry is not ranked, or empty.</summary>
    public string Note { get; init; } = "";

    /// <summary>Scored metrics on which the entry is worse than the baseline (verdict worse), as "track: metric (change)".</summary>
    public IReadOnlyList<string> WorseThanBaseline { get; init; } = [];

    /// <summary>The note with every "worse than baseline on …" flag, as rankings print it.</summary>
    public string NoteWithFlags() =>
        string.Join("; ", new[] { Note }.Concat(WorseThanBaseline.Select(w => "worse than baseline on " + w)).Where(n => n.Length > 0));
}

/// <summary>The best entry of one track, beside the track's Pareto front.</summary>
public sealed record TrackWinner
{
    public string Track { get; init; } = "";
    public bool HeldOut { get; init; }

    /// <summary>Lowest-scoring entry that is not disqualified, or null.</summary>
    public string? Entry { get; init; }
    public double? Score { get; init; }

    /// <summary>The winner's explanation line on the track.</summary>
    public string Explanation { get; init; } = "";

    /// <summary>The track's Pareto front (creation p99, throughput, peak memory).</summary>
    public IReadOnlyList<string> ParetoFront { get; init; } = [];
}

/// <summary>How stable the winner is when each cell's replications are resampled.</summary>
public sealed record RankStability
{
    public int Resamples { get; init; }
    public ulong Seed { get; init; }
    public string? Winner { get; init; }

    /// <summary>Fraction of resamples in which the observed winner still wins.</summary>
    public double WinnerStability { get; init; }

    /// <summary>1 − <see cref="WinnerStability"/>: how often the winner changes.</summary>
    public double WinnerChangeRate { get; init; }
}

/// <summary>The verdict of one gate for one entry on one track (a JUnit test case).</summary>
public sealed record GateOutcome
{
    public string Gate { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Entry { get; init; } = "";
    public string Track { get; init; } = "";

    /// <summary>pass, fail or skipped (<see cref="GateStatus"/>).</summary>
    public string Status { get; init; } = "";
    public string Message { get; init; } = "";
}

/// <summary>Gate outcome strings.</summary>
public static class GateStatus
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Skipped = "skipped";
}
