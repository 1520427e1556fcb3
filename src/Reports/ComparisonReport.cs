using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports;

/// <summary>A comparative report (JSON schema versioned by <see cref="SchemaVersion"/>; see docs/reports.md).</summary>
public sealed record ComparisonReport
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public string Workload { get; init; } = "";
    public string KernelProfile { get; init; } = "";
    public string Baseline { get; init; } = "";
    public int Replications { get; init; }

    /// <summary>Confidence level of every interval (0.95).</summary>
    public double Confidence { get; init; } = ComparisonReportBuilder.Confidence;

    /// <summary>Significance level of the verdicts (0.05).</summary>
    public double Alpha { get; init; } = ComparisonReportBuilder.Alpha;
    public IReadOnlyList<PolicySummary> Policies { get; init; } = [];

    /// <summary>Policies on the Pareto front over creation latency (p99), teardown throughput and peak memory.</summary>
    public IReadOnlyList<string> ParetoFront { get; init; } = [];
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>One policy's line in a report.</summary>
public sealed record PolicySummary
{
    public string Policy { get; init; } = "";
    public string Parameters { get; init; } = "";
    public string AssemblyHash { get; init; } = "";
    public bool IsBaseline { get; init; }

    /// <summary>Number of runs (replications) behind the statistics.</summary>
    public int Runs { get; init; }

    /// <summary>True when any run broke an oracle or ended with a non-ok status.</summary>
    public bool Disqualified { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>True when every run's metrics equal the baseline's run of the same replication bit for bit.</summary>
    public bool IdenticalToBaseline { get; init; }
    public IReadOnlyList<MetricComparison> Metrics { get; init; } = [];

    /// <summary>Decision counts summed over all runs: the evidence that the policy acted.</summary>
    public IReadOnlyDictionary<string, DecisionCount> Decisions { get; init; } = new Dictionary<string, DecisionCount>();

    /// <summary>The first replication's profile tree and time series, for side-by-side views and plots.</summary>
    public ProfileNode? Profile { get; init; }
    public RunSeries? Series { get; init; }
}

/// <summary>One metric of one policy against the baseline.</summary>
public sealed record MetricComparison
{
    public string Metric { get; init; } = "";
    public string Unit { get; init; } = "";
    public bool LowerIsBetter { get; init; }
    public double Mean { get; init; }
    public double CiLow { get; init; }
    public double CiHigh { get; init; }

    /// <summary>Mean divided by the baseline's mean (1 for the baseline; +∞ when only the baseline's mean is 0, written as null in JSON).</summary>
    public double Ratio { get; init; }

    /// <summary>Two-sided p-value of the Mann–Whitney test against the baseline (1 for the baseline).</summary>
    public double PValue { get; init; }

    /// <summary>How <see cref="PValue"/> was computed: exact, normal (approximation with tie correction), or none (the baseline).</summary>
    public string Test { get; init; } = "";

    /// <summary>better, worse, no-significant-difference, or baseline.</summary>
    public string Verdict { get; init; } = "";

    /// <summary>The per-replication values, in replication order.</summary>
    public IReadOnlyList<double> Samples { get; init; } = [];
}
