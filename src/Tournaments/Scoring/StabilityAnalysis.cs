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

        // values[track][entry] = per-run metric vectors
        var values = tracks.Select(t => t.ToDictionary(kv => kv.Key, kv => kv.Value.Select(r => metrics.Select(m => m.Read(r)).ToArray()).ToArray())).ToArray();
        var rng = new SeededRandom(seed);
        var scores = new double[entries.Count];
        for (var b = 0; b < resamples; b++)
        {
            Array.Clear(scores);
            foreach (var track in values)
            {
                var baselineMeans = ResampledMeans(track[baseline], metrics.Count, rng);
                for (var e = 0; e < entries.Count; e++)
                {
                    var means = entries[e] == baseline ? baselineMeans : ResampledMeans(track[entries[e]], metrics.Count, rng);
                    var logScore = 0.0;
                    for (var m = 0; m < metrics.Count; m++)
                    {
                        logScore += Math.Log(ScoreMath.NormalizedRatio(means[m], baselineMeans[m], metrics[m]));
                    }

                    scores[e] += logScore / metrics.Count;
                }
            }

            var order = Enumerable.Range(0, entries.Count).OrderBy(e => scores[e]).ThenBy(e => entries[e], StringComparer.Ordinal).ToArray();
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

    private static double[] ResampledMeans(double[][] runs, int metricCount, SeededRandom rng)
    {
        var means = new double[metricCount];
        for (var i = 0; i < runs.Length; i++)
        {
            var run = runs[rng.NextInt(runs.Length)];
            for (var m = 0; m < metricCount; m++)
            {
                means[m] += run[m];
            }
        }

        for (var m = 0; m < metricCount; m++)
        {
            means[m] /= runs.Length;
        }

        return means;
    }
}
