using System.Globalization;
using System.Text;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>Writes one comparison report into an <see cref="HtmlPage"/>: tables, then the plots.</summary>
public static class HtmlReportWriter
{
    private static readonly string[] GracePeriodKinds = ["normal", "expedited"];

    public static void Write(HtmlPage page, ComparisonReport report, int headingLevel = 1)
    {
        var b = page.Body;
        var h = "h" + headingLevel.ToString(CultureInfo.InvariantCulture);
        var hh = "h" + (headingLevel + 1).ToString(CultureInfo.InvariantCulture);
        b.Append(CultureInfo.InvariantCulture, $"<{h}>{HtmlPage.Encode(report.Workload)} on {HtmlPage.Encode(report.KernelProfile)}</{h}>\n");
        b.Append(CultureInfo.InvariantCulture, $"<p>Baseline <b>{HtmlPage.Encode(report.Baseline)}</b>, {report.Replications} replication(s); means with {Format.Percent(report.Confidence * 100)} bootstrap intervals. {HtmlPage.Encode(MarkdownWriter.VerdictLegend(report))} Pareto front (creation p99 ↓, throughput ↑, peak memory ↓; disqualified policies not considered): <b>{HtmlPage.Encode(report.ParetoFront.Count == 0 ? "none" : string.Join(", ", report.ParetoFront))}</b>.</p>\n");
        WriteExplanations(b, report);
        foreach (var w in report.Warnings)
        {
            b.Append("<div class=\"warn\">").Append(HtmlPage.Encode(w)).Append("</div>\n");
        }

        b.Append(CultureInfo.InvariantCulture, $"<{hh}>Metrics</{hh}>\n<div class=\"grid\">\n");
        foreach (var metric in MetricCatalog.All)
        {
            WriteMetricTable(b, report, metric);
        }

        b.Append("</div>\n");
        WriteDecisions(b, report, hh);
        WriteProblems(b, report, hh);

        b.Append(CultureInfo.InvariantCulture, $"<{hh}>Plots</{hh}>\n<div class=\"plots\">\n");
        var policies = report.Policies;
        bool Any(Func<RunSeries, bool> has) => policies.Any(p => p.Series is { } s && has(s));
        AddOrNote(page, Any(s => s.CreationCdf.Count > 0), () => PlotFactory.LatencyCdf("Creation latency CDF", policies, s => s.CreationCdf), "creation latency CDF");
        AddOrNote(page, Any(s => s.CleanupCdf.Count > 0), () => PlotFactory.LatencyCdf("Cleanup latency CDF (release to free)", policies, s => s.CleanupCdf), "cleanup latency CDF");
        AddOrNote(page, Any(s => s.TimeMs.Count > 0), () => PlotFactory.TimeSeries("Cleanup backlog", "nets queued", policies, (s, k) => s.Backlog[k]), "backlog over time");
        AddOrNote(page, Any(s => s.TimeMs.Count > 0), () => PlotFactory.TimeSeries("Namespace memory", "MiB", policies, (s, k) => s.MemoryBytes[k] / (1024.0 * 1024.0)), "memory over time");
        AddOrNote(page, Any(s => s.Batches.Count > 0), () => PlotFactory.Timeline("Setup-lock holds by cleanup batches", policies, s => s.Batches, kindColumn: null, markMeaning: "setup lock held by a cleanup batch"), "lock-hold timeline");
        AddOrNote(page, Any(s => s.GracePeriods.Count > 0), () => PlotFactory.Timeline("RCU grace periods", policies, s => s.GracePeriods, kindColumn: 2, GracePeriodKinds, markMeaning: "grace period"), "grace periods");
        var (functions, selfPct) = ProfileTable.Build(policies);
        AddOrNote(page, functions.Count > 0, () => PlotFactory.GroupedBars("Profile: self time (first replication)", "% of CPU time", functions, Names(policies), selfPct), "profile bars");
        var ratios = policies.Select(p => p.Metrics.Select(m => m.Ratio).ToArray()).ToArray();
        page.AddPlot(PlotFactory.GroupedBars("Ratio to baseline", "mean / baseline mean", MetricCatalog.All.Select(m => m.Id).ToArray(), Names(policies), ratios, referenceLine: 1.0, ratioScale: true), "ratios to baseline");
        b.Append("</div>\n");
        WriteProfileTable(b, report, hh, functions, selfPct);
    }

    /// <summary>The plot when some policy recorded its data; otherwise a note in its place (an empty plot shows nothing).</summary>
    private static void AddOrNote(HtmlPage page, bool hasData, Func<string> plot, string caption)
    {
        if (hasData)
        {
            page.AddPlot(plot(), caption);
        }
        else
        {
            page.Body.Append("<p class=\"nsd\">").Append(HtmlPage.Encode(caption)).Append(": nothing recorded in these runs.</p>\n");
        }
    }

    private static void WriteMetricTable(StringBuilder b, ComparisonReport report, MetricDefinition metric)
    {
        b.Append(CultureInfo.InvariantCulture, $"<table><caption><b>{metric.Id}</b> ({HtmlPage.Encode(metric.Unit)}, {(metric.LowerIsBetter ? "lower" : "higher")} is better)</caption>\n");
        b.Append("<tr><th>Policy</th><th>Mean</th><th>CI95</th><th>Ratio</th><th>Effect</th><th>Threshold</th><th>p</th><th>Verdict</th></tr>\n");
        foreach (var p in report.Policies)
        {
            var m = p.Metrics.Single(x => x.Metric == metric.Id);
            var cls = m.Verdict switch { Verdicts.Better => "better", Verdicts.Worse => "worse", Verdicts.NoSignificantDifference or Verdicts.Equivalent or Verdicts.NotMeasured => "nsd", _ => "" };
            b.Append(CultureInfo.InvariantCulture, $"<tr class=\"{RowClass(p)}\"><td>{Label(p)}</td><td>{MarkdownWriter.Mean(m)}</td><td>[{Format.Number(m.CiLow)}, {Format.Number(m.CiHigh)}]</td><td>{Format.Ratio(m.Ratio)}</td><td>{(p.IsBaseline ? "" : Format.Number(m.Effect))}</td><td>{Format.Number(m.Threshold)}</td><td>{MarkdownWriter.PValueCell(p, m)}</td><td class=\"{cls}\">{m.Verdict}</td></tr>\n");
        }

        b.Append("</table>\n");
    }

    private static void WriteExplanations(StringBuilder b, ComparisonReport report)
    {
        b.Append("<table class=\"ranking\"><tr><th>Policy</th><th>Why</th></tr>\n");
        foreach (var p in report.Policies)
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr class=\"{RowClass(p)}\"><td>{Label(p)}</td><td class=\"wrap\">{HtmlPage.Encode(p.Explanation)}</td></tr>\n");
        }

        b.Append("</table>\n");
    }

    private static void WriteDecisions(StringBuilder b, ComparisonReport report, string hh)
    {
        var points = DecisionEvidence.Points(report);
        b.Append(CultureInfo.InvariantCulture, $"<{hh}>Decisions (changed / asked, all runs)</{hh}>\n<table><tr><th>Policy</th>");
        foreach (var point in points)
        {
            b.Append("<th>").Append(HtmlPage.Encode(point)).Append("</th>");
        }

        b.Append("<th>acted</th></tr>\n");
        foreach (var p in report.Policies)
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr class=\"{RowClass(p)}\"><td>{Label(p)}</td>");
            foreach (var point in points)
            {
                b.Append("<td>").Append(DecisionEvidence.Cell(p, point)).Append("</td>");
            }

            b.Append("<td>").Append(DecisionEvidence.Acted(p)).Append("</td></tr>\n");
        }

        b.Append("</table>\n");
    }

    private static void WriteProblems(StringBuilder b, ComparisonReport report, string hh)
    {
        var disqualified = report.Policies.Where(p => p.Disqualified).ToArray();
        if (disqualified.Length == 0)
        {
            return;
        }

        b.Append(CultureInfo.InvariantCulture, $"<{hh}>Disqualified</{hh}>\n<ul>\n");
        foreach (var p in disqualified)
        {
            b.Append("<li><b>").Append(HtmlPage.Encode(p.Policy)).Append("</b><ul>");
            foreach (var problem in p.Problems)
            {
                b.Append("<li>").Append(HtmlPage.Encode(problem)).Append("</li>");
            }

            b.Append("</ul></li>\n");
        }

        b.Append("</ul>\n");
    }

    private static void WriteProfileTable(StringBuilder b, ComparisonReport report, string hh, IReadOnlyList<string> functions, IReadOnlyList<double[]> selfPct)
    {
        b.Append(CultureInfo.InvariantCulture, $"<{hh}>Profiles side by side (self %, first replication)</{hh}>\n<table><tr><th>Function</th>");
        foreach (var p in report.Policies)
        {
            b.Append("<th>").Append(HtmlPage.Encode(PolicyNames.Label(p))).Append("</th>");
        }

        b.Append("</tr>\n");
        for (var f = 0; f < functions.Count; f++)
        {
            b.Append("<tr><td><code>").Append(HtmlPage.Encode(functions[f])).Append("</code></td>");
            foreach (var v in selfPct)
            {
                b.Append("<td>").Append(Format.Percent(v[f])).Append("</td>");
            }

            b.Append("</tr>\n");
        }

        b.Append("</table>\n");
    }

    private static string[] Names(IReadOnlyList<PolicySummary> policies) => policies.Select(PlotFactory.SeriesLabel).ToArray();

    private static string RowClass(PolicySummary p) => p.Disqualified ? "dq" : p.IsBaseline ? "baseline" : "";

    private static string Label(PolicySummary p) =>
        HtmlPage.Encode(PolicyNames.Label(p)) + (p.IsBaseline ? " (baseline)" : "") + (p.Disqualified ? " <b>DISQUALIFIED</b>" : "");
}
