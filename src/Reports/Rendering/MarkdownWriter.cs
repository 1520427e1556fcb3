using System.Globalization;
using System.Text;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>The report as GitHub-flavoured Markdown sized for a CI job summary.</summary>
public static class MarkdownWriter
{
    /// <summary>Writes the whole report with a heading of the given level (2 → "##").</summary>
    public static void Write(StringBuilder md, ComparisonReport report, int headingLevel = 2)
    {
        var h = new string('#', headingLevel);
        var hh = h + "#";
        md.Append(CultureInfo.InvariantCulture, $"{h} {Escape(report.Workload)} on {Escape(report.KernelProfile)}: baseline {Escape(report.Baseline)}, {report.Replications} replication(s)\n\n");
        foreach (var w in report.Warnings)
        {
            md.Append("> ⚠️ ").Append(Escape(w)).Append('\n');
        }

        if (report.Warnings.Count > 0)
        {
            md.Append('\n');
        }

        WriteSummary(md, report);
        foreach (var metric in MetricCatalog.All)
        {
            WriteMetric(md, report, metric, hh);
        }

        md.Append(hh).Append(" Pareto front\n\n");
        md.Append("Creation latency p99 (lower), teardown throughput (higher), peak memory (lower); disqualified policies excluded: **")
            .Append(report.ParetoFront.Count == 0 ? "none" : string.Join(", ", report.ParetoFront.Select(Escape)))
            .Append("**\n\n");
        WriteDecisions(md, report, hh);
        WriteProfiles(md, report, hh);
        WriteProblems(md, report, hh);
    }

    /// <summary>Mark of a verdict in compact tables.</summary>
    public static string Mark(string verdict) => verdict switch
    {
        Verdicts.Better => "✅",
        Verdicts.Worse => "❌",
        Verdicts.NoSignificantDifference => "≈",
        _ => "",
    };

    /// <summary>Escapes text for a table cell: pipes, line breaks, and angle brackets GitHub would take for HTML.</summary>
    public static string Escape(string text) => text
        .Replace("|", "\\|", StringComparison.Ordinal)
        .Replace("\n", " ", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A policy's display name with its parameters and flags.</summary>
    public static string PolicyLabel(PolicySummary p)
    {
        var label = Escape(p.Policy);
        if (p.Parameters.Length > 0 && !p.Policy.Contains('[', StringComparison.Ordinal))
        {
            label += $" ({Escape(p.Parameters)})";
        }

        if (p.IsBaseline)
        {
            label += " · baseline";
        }

        if (p.Disqualified)
        {
            label += " · **DISQUALIFIED**";
        }

        return label;
    }

    /// <summary>The compact table: one row per policy, one column per metric with mean, ratio and verdict mark.</summary>
    public static void WriteSummary(StringBuilder md, ComparisonReport report)
    {
        md.Append("Mean (ratio to baseline) per metric: ✅ significantly better, ❌ significantly worse, ≈ no significant difference (Mann–Whitney, α = ")
            .Append(report.Alpha.ToString(CultureInfo.InvariantCulture)).Append(").\n\n");
        md.Append("| Policy |");
        foreach (var m in MetricCatalog.All)
        {
            md.Append(' ').Append(m.Id).Append(" (").Append(m.Unit).Append(") |");
        }

        md.Append("\n|---|").Append(string.Concat(Enumerable.Repeat("---:|", MetricCatalog.All.Count))).Append('\n');
        foreach (var p in report.Policies)
        {
            md.Append("| ").Append(PolicyLabel(p)).Append(" |");
            foreach (var m in p.Metrics)
            {
                md.Append(' ').Append(Format.Number(m.Mean)).Append(" (").Append(Format.Ratio(m.Ratio)).Append(')');
                var mark = Mark(m.Verdict);
                if (mark.Length > 0)
                {
                    md.Append(' ').Append(mark);
                }

                md.Append(" |");
            }

            md.Append('\n');
        }

        md.Append('\n');
    }

    private static void WriteMetric(StringBuilder md, ComparisonReport report, MetricDefinition metric, string heading)
    {
        md.Append(heading).Append(' ').Append(metric.Id).Append(" — ").Append(metric.Description)
            .Append(" (").Append(metric.Unit).Append(", ").Append(metric.LowerIsBetter ? "lower" : "higher").Append(" is better)\n\n");
        md.Append("| Policy | Mean | CI95 low | CI95 high | Ratio | p-value | Test | Verdict |\n|---|---:|---:|---:|---:|---:|---|---|\n");
        foreach (var p in report.Policies)
        {
            var m = p.Metrics.Single(x => x.Metric == metric.Id);
            md.Append("| ").Append(PolicyLabel(p))
                .Append(" | ").Append(Format.Number(m.Mean))
                .Append(" | ").Append(Format.Number(m.CiLow))
                .Append(" | ").Append(Format.Number(m.CiHigh))
                .Append(" | ").Append(Format.Ratio(m.Ratio))
                .Append(" | ").Append(p.IsBaseline ? "" : Format.PValue(m.PValue))
                .Append(" | ").Append(m.Test)
                .Append(" | ").Append(m.Verdict).Append(" |\n");
        }

        md.Append('\n');
    }

    private static void WriteDecisions(StringBuilder md, ComparisonReport report, string heading)
    {
        var points = DecisionEvidence.Points(report);
        md.Append(heading).Append(" Decisions (changed / asked, all runs)\n\n");
        if (points.Count == 0)
        {
            md.Append("No policy was asked any decision.\n\n");
            return;
        }

        md.Append("| Policy | ").Append(string.Join(" | ", points)).Append(" | acted |\n|---|")
            .Append(string.Concat(Enumerable.Repeat("---:|", points.Count))).Append("---|\n");
        foreach (var p in report.Policies)
        {
            md.Append("| ").Append(PolicyLabel(p)).Append(" |");
            foreach (var point in points)
            {
                md.Append(' ').Append(DecisionEvidence.Cell(p, point)).Append(" |");
            }

            var acted = DecisionEvidence.Acted(p);
            md.Append(' ').Append(acted is "yes" or "baseline" ? acted : "⚠️ " + acted).Append(" |\n");
        }

        md.Append('\n');
    }

    private static void WriteProfiles(StringBuilder md, ComparisonReport report, string heading)
    {
        var (functions, values) = ProfileTable.Build(report.Policies);
        md.Append(heading).Append(" Profiles (self %, first replication)\n\n");
        if (functions.Count == 0)
        {
            md.Append("No profile samples.\n\n");
            return;
        }

        md.Append("| Function | ").Append(string.Join(" | ", report.Policies.Select(p => Escape(p.Policy)))).Append(" |\n|---|")
            .Append(string.Concat(Enumerable.Repeat("---:|", report.Policies.Count))).Append('\n');
        for (var f = 0; f < functions.Count; f++)
        {
            md.Append("| `").Append(Escape(functions[f])).Append("` |");
            foreach (var v in values)
            {
                md.Append(' ').Append(Format.Percent(v[f])).Append(" |");
            }

            md.Append('\n');
        }

        md.Append('\n');
    }

    private static void WriteProblems(StringBuilder md, ComparisonReport report, string heading)
    {
        var disqualified = report.Policies.Where(p => p.Disqualified).ToArray();
        if (disqualified.Length == 0)
        {
            return;
        }

        md.Append(heading).Append(" Disqualified\n\n");
        foreach (var p in disqualified)
        {
            md.Append("- **").Append(Escape(p.Policy)).Append("**\n");
            foreach (var problem in p.Problems)
            {
                md.Append("  - ").Append(Escape(problem)).Append('\n');
            }
        }

        md.Append('\n');
    }
}
