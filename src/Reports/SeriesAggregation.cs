using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports;

/// <summary>
/// Aggregates a run's series to a pixel grid so reports stay small and no plot mark is narrower than a pixel: the
/// run's time span is cut into <see cref="Cells"/> cells; intervals (lock holds, grace periods) become the runs of
/// cells they touch, per kind (batch sizes summed); sampled series keep, per cell, the first, last, lowest and highest
/// samples; CDFs keep at most <see cref="MaxCdfPoints"/> points, the last always.
/// </summary>
public static class SeriesAggregation
{
    /// <summary>Cells over a run's span: more than any plot's data area is wide, in pixels.</summary>
    public const int Cells = 1000;

    public const int MaxCdfPoints = 200;

    /// <summary>Profile nodes below this share (children included, in percent) are left out of aggregated reports.</summary>
    public const double MinProfilePct = 0.1;

    /// <summary>The profile tree without the nodes whose time (children included) is below <see cref="MinProfilePct"/>.</summary>
    public static ProfileNode PruneProfile(ProfileNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root with { Children = root.Children.Where(c => c.ChildrenPct >= MinProfilePct).Select(PruneProfile).ToArray() };
    }

    public static RunSeries ToPixelGrid(RunSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var span = new[]
        {
            series.TimeMs.DefaultIfEmpty(0).Max(),
            series.Batches.Select(b => b[1]).DefaultIfEmpty(0).Max(),
            series.GracePeriods.Select(g => g[1]).DefaultIfEmpty(0).Max(),
        }.Max();
        if (!(span > 0))
        {
            return series;
        }

        var cell = span / Cells;
        var samples = KeptSamples(series, cell);
        return series with
        {
            TimeMs = samples.Select(i => series.TimeMs[i]).ToArray(),
            Backlog = samples.Select(i => series.Backlog[i]).ToArray(),
            MemoryBytes = samples.Select(i => series.MemoryBytes[i]).ToArray(),
            Batches = Rounded(MergeIntervals(series.Batches, 0, cell, kindColumn: null, sumColumn: 2)),
            GracePeriods = Rounded(MergeIntervals(series.GracePeriods, 0, cell, kindColumn: 2, sumColumn: null)),
            CreationCdf = Thin(series.CreationCdf),
            CleanupCdf = Thin(series.CleanupCdf),
        };
    }

    /// <summary>
    /// Intervals [start, end, …] as the runs of grid cells (width <paramref name="cell"/> from <paramref name="origin"/>)
    /// they touch: every result is at least one cell wide. Intervals of different kinds (<paramref name="kindColumn"/>)
    /// merge separately; <paramref name="sumColumn"/> is summed over merged intervals. Ordered by start, then kind.
    /// </summary>
    public static IReadOnlyList<double[]> MergeIntervals(IReadOnlyList<double[]> rows, double origin, double cell, int? kindColumn, int? sumColumn)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0 || !(cell > 0))
        {
            return rows;
        }

        var width = Math.Max(rows.Max(r => r.Length), 2);
        var merged = new List<double[]>();
        foreach (var group in rows.GroupBy(r => kindColumn is { } k && r.Length > k ? r[k] : 0).OrderBy(g => g.Key))
        {
            double[]? current = null;
            long currentEnd = 0;
            foreach (var r in group.OrderBy(r => r[0]).ThenBy(r => r[1]))
            {
                var first = (long)Math.Floor((r[0] - origin) / cell);
                var last = Math.Max(first, (long)Math.Ceiling((Math.Max(r[1], r[0]) - origin) / cell) - 1);
                if (current is not null && first <= currentEnd + 1)
                {
                    currentEnd = Math.Max(currentEnd, last);
                    current[1] = origin + (currentEnd + 1) * cell;
                    if (sumColumn is { } s && r.Length > s)
                    {
                        current[s] += r[s];
                    }

                    continue;
                }

                current = new double[width];
                Array.Copy(r, current, r.Length);
                current[0] = origin + first * cell;
                current[1] = origin + (last + 1) * cell;
                currentEnd = last;
                merged.Add(current);
            }
        }

        return merged.OrderBy(r => r[0]).ThenBy(r => kindColumn is { } k && r.Length > k ? r[k] : 0).ToArray();
    }

    /// <summary>Cell edges to 6 significant digits: the grid is a thousandth of the span, so nothing visible is lost.</summary>
    private static IReadOnlyList<double[]> Rounded(IReadOnlyList<double[]> rows) =>
        rows.Select(r => r.Select(v => v == 0 || !double.IsFinite(v) ? v : Math.Round(v, Math.Clamp(5 - (int)Math.Floor(Math.Log10(Math.Abs(v))), 0, 15))).ToArray()).ToArray();

    private static int[] KeptSamples(RunSeries series, double cell)
    {
        var n = Math.Min(series.TimeMs.Count, Math.Min(series.Backlog.Count, series.MemoryBytes.Count));
        if (n <= Cells)
        {
            return Enumerable.Range(0, n).ToArray();
        }

        var kept = new SortedSet<int>();
        foreach (var bucket in Enumerable.Range(0, n).GroupBy(i => (long)Math.Floor(series.TimeMs[i] / cell)))
        {
            var indexes = bucket.ToArray();
            kept.Add(indexes[0]);
            kept.Add(indexes[^1]);
            kept.Add(indexes.MinBy(i => series.Backlog[i]));
            kept.Add(indexes.MaxBy(i => series.Backlog[i]));
            kept.Add(indexes.MinBy(i => series.MemoryBytes[i]));
            kept.Add(indexes.MaxBy(i => series.MemoryBytes[i]));
        }

        return kept.ToArray();
    }

    private static IReadOnlyList<double[]> Thin(IReadOnlyList<double[]> cdf)
    {
        if (cdf.Count <= MaxCdfPoints)
        {
            return cdf;
        }

        var step = (double)(cdf.Count - 1) / (MaxCdfPoints - 1);
        return Enumerable.Range(0, MaxCdfPoints).Select(i => (int)Math.Round(i * step)).Distinct().Select(i => cdf[i]).ToArray();
    }
}
