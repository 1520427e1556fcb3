using System.Text;
using NetnsPolicy.Reports.Rendering;

namespace NetnsPolicy.Reports;

/// <summary>Renders a <see cref="ComparisonReport"/> to its artifact formats. Same report → same bytes.</summary>
public static class ReportRenderer
{
    /// <summary>The versioned JSON document (schema in docs/reports.md).</summary>
    public static string ToJson(ComparisonReport report) => ReportJson.Serialize(report);

    /// <summary>Reads a report written by <see cref="ToJson"/> (to re-render it).</summary>
    public static ComparisonReport FromJson(string json)
    {
        var report = ReportJson.Deserialize<ComparisonReport>(json);
        if (report.SchemaVersion != ComparisonReport.CurrentSchemaVersion)
        {
            throw new NotSupportedException($"report schema version {report.SchemaVersion} is not supported (this build reads {ComparisonReport.CurrentSchemaVersion})");
        }

        return report;
    }

    /// <summary>GitHub-flavoured Markdown that fits a CI job summary.</summary>
    public static string ToMarkdown(ComparisonReport report)
    {
        var md = new StringBuilder();
        MarkdownWriter.Write(md, report);
        return md.ToString();
    }

    /// <summary>One row per policy and metric.</summary>
    public static string ToCsv(ComparisonReport report) => CsvWriter.Write(report);

    /// <summary>A self-contained HTML page with plots.</summary>
    public static string ToHtml(ComparisonReport report)
    {
        var page = new HtmlPage($"NetnsPolicy: {report.Workload} on {report.KernelProfile}");
        HtmlReportWriter.Write(page, report);
        return page.Render();
    }
}
