namespace NetnsPolicy.Reports;

/// <summary>Renders a <see cref="ComparisonReport"/> to its artifact formats.</summary>
public static class ReportRenderer
{
    public static string ToJson(ComparisonReport report) => throw new NotImplementedException(report.Workload);

    public static string ToMarkdown(ComparisonReport report) => throw new NotImplementedException(report.Workload);

    public static string ToCsv(ComparisonReport report) => throw new NotImplementedException(report.Workload);

    /// <summary>A self-contained HTML page with plots.</summary>
    public static string ToHtml(ComparisonReport report) => throw new NotImplementedException(report.Workload);
}
