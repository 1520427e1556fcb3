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
        md.Append("Policies no other beats on all of creation latency p99 (lower), teardown throughput (higher) and peak memory (lower), disqualified policies not considered: **")
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
        Verdicts.Equivalent => "=",
        _ => "",
    };

    /// <summary>The legend of the verdict marks, with the report's thresholds and test.</summary>
    public static string VerdictLegend(ComparisonReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var pct = (report.Thresholds.Relative * 100).ToString("0.##", CultureInfo.InvariantCulture);
        var per = report.Thresholds.PerMetric.Count == 0 ? "" : " (" + string.Join(", ", report.Thresholds.PerMetric.Select(kv => $"{kv.Key}: {(kv.Value * 100).ToString("0.##", CultureInfo.InvariantCulture)}%")) + ")";
        var test = report.Deterministic
            ? "replications are identical, so each policy is one deterministic observation compared without a test"
            : $"significance by Mann–Whitney at α = {report.Alpha.ToString(CultureInfo.InvariantCulture)}, equivalence by TOST; identical replications compared without a test";
        return $"✅ better / ❌ worse: an effect beyond the practical threshold ({pct}% of the baseline's mean{per}, at least the metric's resolution) that is significant; = equivalent: within the threshold; ≈ no significant difference; n/a: not measured or baseline 0. {char.ToUpperInvariant(test[0])}{test[1..]}.";
    }

    /// <summary>A metric's mean for tables: "not measured" when no run measured it.</summary>
    public static string Mean(MetricComparison m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return m.Measured ? Format.Number(m.Mean) : "not measured";
    }

    /// <summary>The p-value cell: "det." for deterministic comparisons, empty for the baseline.</summary>
    public static string PValueCell(PolicySummary p, MetricComparison m)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(m);
        return p.IsBaseline || !m.Measured ? "" : m.Deterministic ? "det." : Format.PValue(m.PValue);
    }

    /// <summary>Escapes text for a table cell: pipes, line breaks, and angle brackets GitHub would take for HTML.</summary>
    public static string Escape(string text) => text
        .Replace("|", "\\|", StringComparison.Ordinal)
        .Replace("\n", " ", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A policy's display name with its parameters and flags.</summary>
    public static string PolicyLabel(PolicySummary p)
    {
        var label = Escape(PolicyNames.Label(p));
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
        md.Append("Mean (ratio to baseline) per metric. ").Append(VerdictLegend(report)).Append("\n\n");
        md.Append("| Policy |");
        foreach (var m in MetricCatalog.All)
        {
            md.Append(' ').Append(m.Id).Append(" (").Append(m.Unit).Append(") |");
        }

        md.Append(" Why |\n|---|").Append(string.Concat(Enumerable.Repeat("---:|", MetricCatalog.All.Count))).Append("---|\n");
        foreach (var p in report.Policies)
        {
            md.Append("| ").Append(PolicyLabel(p)).Append(" |");
            foreach (var m in p.Metrics)
            {
                md.Append(' ').Append(Mean(m)).Append(" (").Append(Format.Ratio(m.Ratio)).Append(')');
                var mark = Mark(m.Verdict);
                if (mark.Length > 0)
                {
                    md.Append(' ').Append(mark);
                }

                md.Append(" |");
            }

            md.Append(' ').Append(Escape(p.Explanation)).Append(" |\n");
        }

        md.Append('\n');
    }

    private static void WriteMetric(StringBuilder md, ComparisonReport report, MetricDefinition metric, string heading)
    {
        md.Append(heading).Append(' ').Append(metric.Id).Append(" — ").Append(metric.Description)
            .Append(" (").Append(metric.Unit).Append(", ").Append(metric.LowerIsBetter ? "lower" : "higher").Append(" is better)\n\n");
        md.Append("| Policy | Mean | CI95 low | CI95 high | Ratio | Effect | Threshold | p-value | Test | Verdict |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        foreach (var p in report.Policies)
        {
            var m = p.Metrics.Single(x => x.Metric == metric.Id);
            md.Append("| ").Append(PolicyLabel(p))
                .Append(" | ").Append(Mean(m))
                .Append(" | ").Append(Format.Number(m.CiLow))
                .Append(" | ").Append(Format.Number(m.CiHigh))
                .Append(" | ").Append(Format.Ratio(m.Ratio))
                .Append(" | ").Append(p.IsBaseline ? "" : Format.Number(m.Effect))
                .Append(" | ").Append(Format.Number(m.Threshold))
                .Append(" | ").Append(PValueCell(p, m))
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

        md.Append("| Function | ").Append(string.Join(" | ", report.Policies.Select(p => Escape(PolicyNames.Label(p))))).Append(" |\n|---|")
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
