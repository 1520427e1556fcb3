using System.Globalization;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>The decision table shared by the Markdown and HTML writers: which points were asked, and whether each policy acted.</summary>
public static class DecisionEvidence
{
    /// <summary>Every decision point any policy was asked about, in name order.</summary>
    public static IReadOnlyList<string> Points(ComparisonReport report) =>
        report.Policies.SelectMany(p => p.Decisions.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>"changed / asked" for one point, or a dash when the policy was never asked.</summary>
    public static string Cell(PolicySummary policy, string point) =>
        policy.Decisions.TryGetValue(point, out var d) ? string.Create(CultureInfo.InvariantCulture, $"{d.Changed} / {d.Calls}") : "–";

    /// <summary>baseline, yes, no (never changed a decision) or identical to baseline.</summary>
    public static string Acted(PolicySummary policy) =>
        policy.IsBaseline ? "baseline"
        : policy.IdenticalToBaseline ? "identical to baseline"
        : policy.Decisions.Values.Any(d => d.Changed > 0) ? "yes" : "no";
}
