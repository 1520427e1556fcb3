using System.Text;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>RFC 4180 CSV: one row per policy and metric, round-trip numbers, LF line ends.</summary>
public static class CsvWriter
{
    public const string Header = "workload,kernel_profile,baseline,policy,parameters,is_baseline,disqualified,identical_to_baseline,metric,unit,lower_is_better,runs,mean,ci_low,ci_high,ratio,p_value,test,verdict";

    public static string Write(ComparisonReport report)
    {
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var p in report.Policies)
        {
            foreach (var m in p.Metrics)
            {
                string[] cells =
                [
                    report.Workload, report.KernelProfile, report.Baseline, p.Policy, p.Parameters, Bool(p.IsBaseline), Bool(p.Disqualified),
                    Bool(p.IdenticalToBaseline), m.Metric, m.Unit, Bool(m.LowerIsBetter), p.Runs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Format.Exact(m.Mean), Format.Exact(m.CiLow), Format.Exact(m.CiHigh), Format.Exact(m.Ratio), Format.Exact(m.PValue), m.Test, m.Verdict,
                ];
                csv.AppendJoin(',', cells.Select(Quote)).Append('\n');
            }
        }

        return csv.ToString();
    }

    /// <summary>Quotes a field when it holds a comma, quote or line break.</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static string Bool(bool b) => b ? "true" : "false";
}
