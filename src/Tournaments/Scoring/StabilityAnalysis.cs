using NetnsPolicy.Reports;
using NetnsPolicy.Reports.Statistics;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Tournaments.Scoring;

/// <summary>
/// Rank stability by bootstrap over replications: each resample redraws, with replacement, the runs of every
/// (track, entry) cell — the baseline's too — recomputes every score and ranks again. The winner's stability is the
/// share of resamples it still wins; win shares and mean ranks are reported per entry. Seeded, so deterministic.
/// </summary>
public static class StabilityAnalysis
{
    /// <summary>Bootstrap outcome.</summary>
    /// <param name="WinShare">Per entry: share of resamples won.</param>
    /// <param name="MeanRank">Per entry: mean rank (1 = best).</param>
    public sealed record Outcome(IReadOnlyDictionary<string, double> WinShare, IReadOnlyDictionary<string, double> MeanRank);

    /// <param name="entries">The ranked entries (eligible for winning).</param>
    /// <param name="baseline">The baseline entry name.</param>
    /// <param name="tracks">Per scored track: each cell's runs by entry name (the baseline included).</param>
    /// <param name="metrics">The scored metrics.</param>
    /// <param name="resamples">Number of resamples (0: no analysis).</param>
    /// <param name="seed">Seed of the resampling stream.</param>
    public static Outcome Compute(
        IReadOnlyList<string> entries,
        string baseline,
        IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyList<RunResult>>> tracks,
        IReadOnlyList<MetricDefinition> metrics,
        int resamples,
        ulong seed)
    {
        var wins = entries.ToDictionary(e => e, _ => 0.0);
        var rankSums = entries.ToDictionary(e => e, _ => 0.0);
        if (resamples == 0 || entries.Count == 0)
        {
            return new Outcome(wins, rankSums);
        }

        // values[track][entry] = per-run metric vectors, the entries in the order given; the resampled means go into two
        // buffers (the baseline's, the entry's at hand). The loop allocates nothing per resample: it is the serial end of
        // a tournament's scoring (TournamentRunner).
        double[][] Vectors(IReadOnlyList<RunResult> runs) => runs.Select(r => metrics.Select(m => m.Read(r)).ToArray()).ToArray();
        var values = tracks.Select(t => entries.Select(e => Vectors(t[e])).ToArray()).ToArray();
        var baselineRuns = tracks.Select(t => Vectors(t[baseline])).ToArray();
        var baselineIndex = entries.ToList().IndexOf(baseline);
        var baselineMeans = new double[metrics.Count];
        var entryMeans = new double[metrics.Count];
        var rng = new SeededRandom(seed);
        var scores = new double[entries.Count];
        var order = new int[entries.Count];

        // By score, then name: entries' names differ, so this is a total order and any sort gives the same ranks.
        Comparison<int> byScoreThenName = (a, b) =>
        {
            var byScore = scores[a].CompareTo(scores[b]);
            return byScore != 0 ? byScore : string.CompareOrdinal(entries[a], entries[b]);
        };

        for (var b = 0; b < resamples; b++)
        {
            Array.Clear(scores);
            for (var t = 0; t < values.Length; t++)
            {
                ResampledMeans(baselineRuns[t], baselineMeans, rng);
                for (var e = 0; e < entries.Count; e++)
                {
                    var means = e == baselineIndex ? baselineMeans : ResampledMeans(values[t][e], entryMeans, rng);
                    var logScore = 0.0;
                    for (var m = 0; m < metrics.Count; m++)
                    {
                        logScore += Math.Log(ScoreMath.NormalizedRatio(means[m], baselineMeans[m], metrics[m]));
                    }

                    scores[e] += logScore / metrics.Count;
                }
            }

            for (var e = 0; e < order.Length; e++)
            {
                order[e] = e;
            }

            Array.Sort(order, byScoreThenName);
            wins[entries[order[0]]]++;
            for (var rank = 0; rank < order.Length; rank++)
            {
                rankSums[entries[order[rank]]] += rank + 1;
            }
        }

        return new Outcome(
            wins.ToDictionary(kv => kv.Key, kv => kv.Value / resamples),
            rankSums.ToDictionary(kv => kv.Key, kv => kv.Value / resamples));
    }

    /// <summary>The means of one resample of <paramref name="runs"/> (drawn with replacement), written into <paramref name="means"/>.</summary>
    private static double[] ResampledMeans(double[][] runs, double[] means, SeededRandom rng)
    {
        Array.Clear(means);
        for (var i = 0; i < runs.Length; i++)
        {
            var run = runs[rng.NextInt(runs.Length)];
            for (var m = 0; m < means.Length; m++)
            {
                means[m] += run[m];
            }
        }

        for (var m = 0; m < means.Length; m++)
        {
            means[m] /= runs.Length;
        }

        return means;
    }
}
