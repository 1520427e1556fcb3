namespace NetnsPolicy.Reports;

/// <summary>The verdict strings of <see cref="MetricComparison.Verdict"/>.</summary>
public static class Verdicts
{
    public const string Baseline = "baseline";
    public const string Better = "better";
    public const string Worse = "worse";
    public const string NoSignificantDifference = "no-significant-difference";

    /// <summary>Within the practical threshold: by TOST when samples vary, by plain comparison when they are deterministic.</summary>
    public const string Equivalent = "equivalent";

    /// <summary>No run of the policy or of the baseline measured the metric (a latency without operations).</summary>
    public const string NotMeasured = "not-measured";
}
