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

    /// <summary>The practical thresholds: the smallest difference called better or worse.</summary>
    public PracticalThresholds Thresholds { get; init; } = PracticalThresholds.Default;

    /// <summary>True when every policy's replications gave identical metrics: each policy is one deterministic observation.</summary>
    public bool Deterministic { get; init; }

    /// <summary>True when the series are as the runs recorded them; false when aggregated to the plots' pixel grid.</summary>
    public bool FullSeries { get; init; }
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

    /// <summary>One line saying why the verdicts are what they are, from the run's evidence (profile, locks, RCU, uevents, decisions).</summary>
    public string Explanation { get; init; } = "";

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

    /// <summary>Mean divided by the baseline's mean (1 for the baseline and when both are 0; NaN, null in JSON, when only the baseline's mean is 0 or the metric was not measured).</summary>
    public double Ratio { get; init; }

    /// <summary>Mean minus the baseline's mean, in the metric's unit.</summary>
    public double Effect { get; init; }

    /// <summary>The practical threshold in the metric's unit: a smaller |effect| is never better or worse.</summary>
    public double Threshold { get; init; }

    /// <summary>False when no run (of the policy or the baseline) measured the metric.</summary>
    public bool Measured { get; init; } = true;

    /// <summary>True when the policy's and the baseline's replications each gave one value: no test, a plain comparison with the threshold.</summary>
    public bool Deterministic { get; init; }

    /// <summary>Two-sided p-value of the Mann–Whitney test against the baseline (1 for the baseline; NaN, null in JSON, when no test was run).</summary>
    public double PValue { get; init; }

    /// <summary>p-value of the TOST equivalence test with margin ±<see cref="Threshold"/> (NaN, null in JSON, when not run).</summary>
    public double EquivalencePValue { get; init; } = double.NaN;

    /// <summary>How <see cref="PValue"/> was computed: exact, normal (approximation with tie correction), deterministic (no test), or none (the baseline, a metric not measured).</summary>
    public string Test { get; init; } = "";

    /// <summary>better, worse, equivalent, no-significant-difference, not-measured, or baseline.</summary>
    public string Verdict { get; init; } = "";

    /// <summary>The per-replication values, in replication order.</summary>
    public IReadOnlyList<double> Samples { get; init; } = [];
}
