using HdrHistogram;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// A latency distribution: an HdrHistogram (microsecond units, 3 significant digits, up to ~3 hours) for the
/// percentiles, plus the exact count, sum and maximum. Allocated on first use.
/// </summary>
internal sealed class LatencyRecorder
{
    private static readonly double[] CdfQuantiles =
        [0, 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5, 99.9, 99.99, 100];

    private IntHistogram? _histogram;
    private long _count;
    private long _sumNs;
    private long _maxNs;

    public void Record(long ns)
    {
        // With an explicit instance id: the constructor without one draws it from a static counter of HistogramBase, whose
        // first use runs its static constructor, which builds a RegexOptions.Compiled Regex for tags (HdrHistogram 2.5.0,
        // HdrHistogram/HistogramBase.cs, TagValidation) — the Regex engine and Reflection.Emit loaded and JIT-compiled in
        // every simulation (docs/benchmarks.md, "Issue 16, fifth round"). The id is never read here.
        _histogram ??= new IntHistogram(instanceId: 0, 1, 10_000_000_000, 3);
        _histogram.RecordValue(Math.Clamp(ns / 1000, 1, 10_000_000_000));
        _count++;
        _sumNs += ns;
        _maxNs = Math.Max(_maxNs, ns);
    }

    public LatencySummary Summary()
    {
        if (_histogram is null || _count == 0)
        {
            return LatencySummary.Empty;
        }

        return new LatencySummary(
            _count,
            Math.Round(_sumNs / 1e6 / _count, 6),
            Ms(50),
            Ms(90),
            Ms(99),
            Ms(99.9),
            _maxNs / 1e6);
    }

    public IReadOnlyList<double[]> Cdf()
    {
        if (_histogram is null || _count == 0)
        {
            return [];
        }

        // A loop, not LINQ's Select over doubles (generic code ReadyToRun leaves to the JIT).
        var points = new double[CdfQuantiles.Length][];
        for (var i = 0; i < points.Length; i++)
        {
            var q = CdfQuantiles[i];
            points[i] = [q == 100 ? _maxNs / 1e6 : Ms(q), q / 100.0];
        }

        return points;
    }

    private double Ms(double percentile) =>
        Math.Min(_histogram!.GetValueAtPercentile(percentile) / 1000.0, _maxNs / 1e6);
}
