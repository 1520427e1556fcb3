namespace NetnsPolicy.Reports;

/// <summary>Builds a <see cref="ComparisonReport"/> from the runs of a comparison.</summary>
public static class ComparisonReportBuilder
{
    /// <summary>Statistics per metric and policy, verdicts against the baseline, Pareto front, warnings.</summary>
    public static ComparisonReport Build(ComparisonInput input) => throw new NotImplementedException("reports under construction: " + input.Workload);
}
