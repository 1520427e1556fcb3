using NetnsPolicy.Contracts.V1;
using Model = NetnsPolicy.Reports;
using Metrics = NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Service.Api;

/// <summary>The report library's records as API messages (the time series stay in the JSON and HTML artifacts).</summary>
internal static class ReportMapping
{
    public static ComparisonReport ToProto(Model.ComparisonReport r)
    {
        var report = new ComparisonReport
        {
            SchemaVersion = r.SchemaVersion,
            Workload = r.Workload,
            KernelProfile = r.KernelProfile,
            Baseline = r.Baseline,
            Replications = r.Replications,
        };
        report.ParetoFront.Add(r.ParetoFront);
        report.Warnings.Add(r.Warnings);
        report.Policies.Add(r.Policies.Select(ToProto));
        return report;
    }

    private static PolicySummary ToProto(Model.PolicySummary p)
    {
        var summary = new PolicySummary
        {
            Policy = p.Policy,
            Parameters = p.Parameters,
            AssemblyHash = p.AssemblyHash,
            IsBaseline = p.IsBaseline,
            Disqualified = p.Disqualified,
            Profile = p.Profile is null ? null : ToProto(p.Profile),
        };
        summary.Problems.Add(p.Problems);
        summary.Metrics.Add(p.Metrics.Select(m => new MetricComparison
        {
            Metric = m.Metric,
            Unit = m.Unit,
            LowerIsBetter = m.LowerIsBetter,
            Mean = m.Mean,
            CiLow = m.CiLow,
            CiHigh = m.CiHigh,
            Ratio = m.Ratio,
            PValue = m.PValue,
            Verdict = m.Verdict,
        }));
        foreach (var (point, count) in p.Decisions)
        {
            summary.Decisions[point] = new DecisionCount { Calls = count.Calls, Changed = count.Changed };
        }

        return summary;
    }

    private static ProfileNode ToProto(Metrics.ProfileNode n)
    {
        var node = new ProfileNode { Name = n.Name, SelfMs = n.SelfMs, TotalMs = n.TotalMs, SelfPct = n.SelfPct, ChildrenPct = n.ChildrenPct };
        node.Children.Add(n.Children.Select(ToProto));
        return node;
    }

    public static ReportArtifact Render(Model.ComparisonReport report, ReportFormat format) => format switch
    {
        ReportFormat.Markdown => new ReportArtifact { Format = format, MediaType = "text/markdown", FileName = "report.md", Content = Model.ReportRenderer.ToMarkdown(report) },
        ReportFormat.Html => new ReportArtifact { Format = format, MediaType = "text/html", FileName = "report.html", Content = Model.ReportRenderer.ToHtml(report) },
        ReportFormat.Json => new ReportArtifact { Format = format, MediaType = "application/json", FileName = "report.json", Content = Model.ReportRenderer.ToJson(report) },
        ReportFormat.Csv => new ReportArtifact { Format = format, MediaType = "text/csv", FileName = "report.csv", Content = Model.ReportRenderer.ToCsv(report) },
        _ => throw new Simulation.InputValidationException("formats", $"unknown report format {format}"),
    };
}
