using System.Globalization;
using NetnsPolicy.Reports.Rendering;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports;

/// <summary>
/// One line per policy saying why its verdicts are what they are, from evidence every run already carries: the
/// metrics whose effect passed the threshold, then the profile function whose self share moved most, uevents
/// suppressed or sent, grace periods, the lock whose hold or wait changed most, and the decisions the policy changed.
/// For example "teardown −58%: netlink_broadcast_filtered 57.8% → 0%, 18 735 uevents suppressed".
/// </summary>
public static class VerdictExplanation
{
    /// <summary>Evidence items shown after the headline.</summary>
    public const int MaxEvidence = 3;

    /// <summary>A relative change of a count or a total below this is not evidence.</summary>
    public const double MinRelativeChange = 0.02;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        [MetricCatalog.TeardownSeconds] = "teardown",
        [MetricCatalog.CreationLatencyP99] = "creation p99",
        [MetricCatalog.CreationLatencyMax] = "creation max",
        [MetricCatalog.CleanupLatencyP99] = "cleanup p99",
        [MetricCatalog.Throughput] = "throughput",
        [MetricCatalog.PeakMemory] = "peak memory",
        [MetricCatalog.PeakBacklog] = "peak backlog",
        [MetricCatalog.EnospcFailures] = "ENOSPC",
        [MetricCatalog.RcuWait] = "RCU wait",
    };

    /// <summary>The short name of a metric used in explanations ("teardown", "creation p99").</summary>
    public static string ShortName(string metricId) => ShortNames.GetValueOrDefault(metricId, metricId);

    /// <summary>The explanation of one policy's summary (its metrics already compared) against the baseline's runs.</summary>
    public static string Explain(PolicySummary summary, IReadOnlyList<RunResult> runs, IReadOnlyList<RunResult> baselineRuns, IReadOnlyDictionary<string, double[]> baselineSamples)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(baselineRuns);
        ArgumentNullException.ThrowIfNull(baselineSamples);
        if (summary.Disqualified)
        {
            return "disqualified: " + summary.Problems[0];
        }

        if (summary.IsBaseline)
        {
            return "baseline: " + string.Join(", ", BaselineFacts(summary, runs));
        }

        if (summary.IdenticalToBaseline)
        {
            var asked = summary.Decisions.Values.Sum(d => d.Calls);
            return string.Create(C, $"no effect: every run equals the baseline's bit for bit ({Count(asked)} decisions asked, none changed)");
        }

        var evidence = Evidence(summary, runs, baselineRuns).Take(MaxEvidence).ToArray();
        return Compose(Headline(summary), evidence.Length > 0 ? string.Join(", ", evidence) : "");
    }

    /// <summary>The explanation with its headline recomputed from the summary's verdicts, its evidence kept (after the first ": ").</summary>
    public static string WithHeadline(PolicySummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.IsBaseline || summary.Disqualified || summary.IdenticalToBaseline)
        {
            return summary.Explanation;
        }

        var cut = summary.Explanation.IndexOf(EvidenceSeparator, StringComparison.Ordinal);
        return Compose(Headline(summary), cut < 0 ? "" : summary.Explanation[(cut + EvidenceSeparator.Length)..]);
    }

    private const string EvidenceSeparator = ": ";

    private static string Compose(string headline, string evidence) => evidence.Length > 0 ? headline + EvidenceSeparator + evidence : headline;

    /// <summary>The (at most two) metrics with verdict better or worse, largest change first, or "no effect above the thresholds".</summary>
    private static string Headline(PolicySummary summary)
    {
        var effects = summary.Metrics
            .Where(m => m.Verdict is Verdicts.Better or Verdicts.Worse)
            .OrderByDescending(m => double.IsFinite(m.Ratio) && m.Ratio > 0 ? Math.Abs(Math.Log(m.Ratio)) : double.PositiveInfinity)
            .ThenBy(m => MetricCatalog.All.ToList().FindIndex(d => d.Id == m.Metric))
            .Take(2)
            .Select(m => ShortName(m.Metric) + " " + Change(m))
            .ToArray();
        return effects.Length > 0 ? string.Join(", ", effects) : "no effect above the thresholds";
    }

    /// <summary>"−58%", "+7.7×" style change of a metric's mean against the baseline's.</summary>
    public static string Change(MetricComparison m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (!double.IsFinite(m.Ratio))
        {
            return "from 0 to " + Format.Number(m.Mean) + " " + m.Unit;
        }

        if (m.Ratio >= 2)
        {
            return m.Ratio.ToString("0.0", C) + "×";
        }

        var pct = (m.Ratio - 1) * 100;
        var text = Math.Abs(pct) >= 10 ? Math.Abs(pct).ToString("F0", C) : Math.Abs(pct).ToString("0.#", C);
        return (pct < 0 ? "−" : "+") + text + "%";
    }

    private static IEnumerable<string> BaselineFacts(PolicySummary summary, IReadOnlyList<RunResult> runs)
    {
        var top = ProfileTable.Flatten(summary.Profile).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).FirstOrDefault();
        if (top.Key is not null)
        {
            yield return $"{top.Key} {Format.Percent(top.Value)} of CPU time";
        }

        var sent = runs.Average(r => (double)r.Uevents.Sent);
        if (sent > 0)
        {
            yield return Count(sent) + " uevents sent";
        }

        var gps = runs.Average(GracePeriods);
        if (gps > 0)
        {
            yield return Count(gps) + " grace periods";
        }
    }

    private static IEnumerable<string> Evidence(PolicySummary summary, IReadOnlyList<RunResult> runs, IReadOnlyList<RunResult> baselineRuns)
    {
        var items = new List<(double Weight, string Text)>();
        var mine = ProfileTable.Flatten(summary.Profile);
        var theirs = ProfileTable.Flatten(baselineRuns[0].Profile);
        var moved = mine.Keys.Union(theirs.Keys)
            .Select(f => (Name: f, Before: theirs.GetValueOrDefault(f), After: mine.GetValueOrDefault(f)))
            .OrderByDescending(x => Math.Abs(x.After - x.Before))
            .ThenBy(x => x.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (moved.Name is not null && Math.Abs(moved.After - moved.Before) >= 1)
        {
            items.Add((3, $"{moved.Name} {Format.Percent(moved.Before)} → {Format.Percent(moved.After)}"));
        }

        var suppressed = runs.Average(r => (double)r.Uevents.Suppressed) - baselineRuns.Average(r => (double)r.Uevents.Suppressed);
        if (suppressed > 0)
        {
            items.Add((2.5, Count(suppressed) + " uevents suppressed"));
        }
        else
        {
            AddChange(items, 2, "uevents sent", baselineRuns.Average(r => (double)r.Uevents.Sent), runs.Average(r => (double)r.Uevents.Sent), Count);
        }

        AddChange(items, 2, "grace periods", baselineRuns.Average(GracePeriods), runs.Average(GracePeriods), Count);
        var lockChange = LockChanges(runs, baselineRuns).FirstOrDefault();
        if (lockChange.Text is not null)
        {
            items.Add((1.5, lockChange.Text));
        }

        var changed = summary.Decisions.Where(d => d.Value.Changed > 0).OrderByDescending(d => d.Value.Changed).ThenBy(d => d.Key, StringComparer.Ordinal).ToArray();
        if (changed.Length > 0)
        {
            var perRun = summary.Runs == 0 ? 1 : summary.Runs;
            items.Add((1, string.Create(C, $"{changed[0].Key} changed {Count(changed[0].Value.Changed / (double)perRun)} of {Count(changed[0].Value.Calls / (double)perRun)} per run")));
        }
        else
        {
            items.Add((0, "no decision changed"));
        }

        return items.OrderByDescending(i => i.Weight).Select(i => i.Text);
    }

    private static double GracePeriods(RunResult r) => r.Rcu.NormalGracePeriods + r.Rcu.ExpeditedGracePeriods;

    private static IEnumerable<(double Size, string Text)> LockChanges(IReadOnlyList<RunResult> runs, IReadOnlyList<RunResult> baselineRuns)
    {
        var names = runs.SelectMany(r => r.Locks.Keys).Union(baselineRuns.SelectMany(r => r.Locks.Keys)).Order(StringComparer.Ordinal);
        var changes = new List<(double Size, string Text)>();
        foreach (var name in names)
        {
            foreach (var (what, read) in new (string, Func<LockMetrics, double>)[] { ("wait", l => l.WaitTotalMs), ("hold", l => l.HoldTotalMs) })
            {
                var before = baselineRuns.Average(r => r.Locks.TryGetValue(name, out var l) ? read(l) : 0);
                var after = runs.Average(r => r.Locks.TryGetValue(name, out var l) ? read(l) : 0);
                var scale = Math.Max(before, after);
                if (scale > 0 && Math.Abs(after - before) / scale >= MinRelativeChange && Math.Abs(after - before) >= 1)
                {
                    changes.Add((Math.Abs(after - before), $"{name} {what} {Milliseconds(before)} → {Milliseconds(after)}"));
                }
            }
        }

        return changes.OrderByDescending(c => c.Size).ThenBy(c => c.Text, StringComparer.Ordinal);
    }

    private static void AddChange(List<(double, string)> items, double weight, string what, double before, double after, Func<double, string> format)
    {
        var scale = Math.Max(before, after);
        if (scale > 0 && Math.Abs(after - before) / scale >= MinRelativeChange && format(before) != format(after))
        {
            items.Add((weight, $"{what} {format(before)} → {format(after)}"));
        }
    }

    /// <summary>A count with thin-space thousands ("18 735").</summary>
    public static string Count(double v) => Math.Round(v).ToString("#,0", C).Replace(",", "\u2009", StringComparison.Ordinal);

    private static string Milliseconds(double ms) => ms >= 1000 ? Format.Number(ms / 1000) + " s" : Format.Number(ms) + " ms";
}
