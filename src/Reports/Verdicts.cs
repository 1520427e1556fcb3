namespace NetnsPolicy.Reports;

/// <summary>The verdict strings of <see cref="MetricComparison.Verdict"/>.</summary>
public static class Verdicts
{
    public const string Baseline = "baseline";
    public const string Better = "better";
    public const string Worse = "worse";
    public const string NoSignificantDifference = "no-significant-difference";
}
