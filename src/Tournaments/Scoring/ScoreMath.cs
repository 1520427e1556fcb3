using NetnsPolicy.Reports;
using NetnsPolicy.Reports.Statistics;

namespace NetnsPolicy.Tournaments.Scoring;

/// <summary>
/// Baseline-normalised scores. Every metric becomes a ratio where below 1 is better than the baseline: mean over
/// baseline mean for lower-is-better metrics, the inverse for higher-is-better ones. Counts (ENOSPC failures, backlog)
/// are often zero, so they are add-one smoothed; continuous metrics get a tiny offset so a zero baseline gives a large
/// finite ratio instead of a division by zero. Ratios are clamped to [1e-6, 1e6] so a geometric mean stays finite.
/// </summary>
public static class ScoreMath
{
    public const double MinRatio = 1e-6;
    public const double MaxRatio = 1e6;
    private const double ContinuousOffset = 1e-9;

    /// <summary>The normalised ratio of one metric (below 1: better than the baseline).</summary>
    public static double NormalizedRatio(double value, double baseline, MetricDefinition metric)
    {
        var offset = metric.IsCount ? 1.0 : ContinuousOffset;
        var ratio = metric.LowerIsBetter ? (value + offset) / (baseline + offset) : (baseline + offset) / (value + offset);
        return double.IsFinite(ratio) ? Math.Clamp(ratio, MinRatio, MaxRatio) : MaxRatio;
    }

    /// <summary>A track score: the geometric mean of the normalised ratios of the named metrics' means.</summary>
    public static double TrackScore(IReadOnlyList<MetricDefinition> metrics, Func<MetricDefinition, double> mean, Func<MetricDefinition, double> baselineMean) =>
        GeometricMean.Of(metrics.Select(m => NormalizedRatio(mean(m), baselineMean(m), m)));

    /// <summary>The overall score: the geometric mean of track scores.</summary>
    public static double Overall(IEnumerable<double> trackScores) => GeometricMean.Of(trackScores);
}
