using static NetnsPolicy.Reports.Tests.SyntheticRuns;

namespace NetnsPolicy.Reports.Tests.Rendering;

/// <summary>Reports used by the renderer tests: a baseline, a faster policy, a slower one, and a disqualified one.</summary>
public static class SampleReports
{
    public static ComparisonReport ThreePolicies()
    {
        var unsafePolicy = Policy("unsafe|policy, \"quoted\"", 0.4);
        var runs = unsafePolicy.Runs.ToArray();
        runs[1] = runs[1] with { OracleViolations = [new("grace-period", 1_000_000, "net#1", "freed <early> & fast")] };
        return ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), Policy("batching", 0.6), Policy("slow", 1.4), unsafePolicy with { Runs = runs }));
    }
}
