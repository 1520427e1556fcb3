using System.Globalization;
using NetnsPolicy.Reports;
using NetnsPolicy.Reports.Rendering;
using NetnsPolicy.Tournaments.Definition;

namespace NetnsPolicy.Tournaments.Gates;

/// <summary>Evaluates every gate for every entry on every track it covers, in file order (gate, track, entry).</summary>
public static class GateEvaluator
{
    public static IReadOnlyList<GateOutcome> Evaluate(Tournament tournament, IReadOnlyList<TrackResult> tracks)
    {
        var outcomes = new List<GateOutcome>();
        foreach (var gate in tournament.Gates)
        {
            foreach (var track in tracks.Where(t => gate.Tracks is null || gate.Tracks.Contains(t.Name)))
            {
                var entries = tournament.Entries.Where(e => gate.Entries?.Contains(e.Name)
                    ?? (gate.Kind == GateKinds.NoDisqualified || e.Name != tournament.Baseline));
                foreach (var entry in entries)
                {
                    var (status, message) = Evaluate(gate, track.Report?.Policies.FirstOrDefault(p => p.Policy == entry.Name), track.Report);
                    outcomes.Add(new GateOutcome { Gate = gate.Name, Kind = gate.Kind, Entry = entry.Name, Track = track.Name, Status = status, Message = message });
                }
            }
        }

        return outcomes;
    }

    private static (string Status, string Message) Evaluate(GateSpec gate, PolicySummary? summary, ComparisonReport? report)
    {
        if (summary is null || report is null)
        {
            return (GateStatus.Skipped, "no runs on this track (time budget)");
        }

        return gate.Kind switch
        {
            GateKinds.NoDisqualified => summary.Disqualified
                ? (GateStatus.Fail, "disqualified: " + summary.Problems[0] + (summary.Problems.Count > 1 ? $" (and {summary.Problems.Count - 1} more problem(s) in the track report)" : ""))
                : (GateStatus.Pass, string.Create(CultureInfo.InvariantCulture, $"{summary.Runs} run(s), no oracle violation, every status ok")),
            GateKinds.MustAct => summary.IdenticalToBaseline
                ? (GateStatus.Fail, "results equal the baseline's bit for bit")
                : summary.Decisions.Values.Any(d => d.Changed > 0)
                    ? (GateStatus.Pass, string.Create(CultureInfo.InvariantCulture, $"changed {summary.Decisions.Values.Sum(d => d.Changed)} of {summary.Decisions.Values.Sum(d => d.Calls)} decisions"))
                    : (GateStatus.Fail, "never changed a decision from the kernel's"),
            GateKinds.MaxRegression => Regression(gate, summary, report),
            _ => throw new InvalidOperationException("unknown gate kind " + gate.Kind),
        };
    }

    private static (string Status, string Message) Regression(GateSpec gate, PolicySummary summary, ComparisonReport report)
    {
        var m = summary.Metrics.Single(x => x.Metric == gate.Metric);
        var baseline = report.Policies.Single(p => p.IsBaseline).Metrics.Single(x => x.Metric == gate.Metric);
        var regression = RegressionPercent(m.Mean, baseline.Mean, m.LowerIsBetter);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{m.Metric} {Format.Number(m.Mean)} {m.Unit} vs baseline {Format.Number(baseline.Mean)} {m.Unit}: {(regression >= 0 ? "worse" : "better")} by {Format.Number(Math.Abs(regression))}% (limit {gate.MaxPercent}%), p = {Format.PValue(m.PValue)}, {m.Verdict}");
        var failed = regression > gate.MaxPercent && (!gate.RequireSignificance || m.Verdict == Verdicts.Worse);
        return (failed ? GateStatus.Fail : GateStatus.Pass, text);
    }

    /// <summary>How much worse than the baseline, in percent of the baseline (negative: better).</summary>
    public static double RegressionPercent(double mean, double baselineMean, bool lowerIsBetter)
    {
        if (baselineMean == 0)
        {
            return mean == 0 ? 0 : (lowerIsBetter == mean > 0) ? double.PositiveInfinity : double.NegativeInfinity;
        }

        var change = (mean - baselineMean) / Math.Abs(baselineMean) * 100;
        return lowerIsBetter ? change : -change;
    }
}
