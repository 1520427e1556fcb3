using NetnsPolicy.Reports;
using NetnsPolicy.Tournaments.Scoring;

namespace NetnsPolicy.Tournaments.Tests.Scoring;

[TestFixture]
public sealed class ScoreMathTests
{
    private static MetricDefinition M(string id) => MetricCatalog.Find(id)!;

    [Test]
    public void NormalizedRatio_LowerIsBetterHalved_IsHalf() =>
        Assert.That(ScoreMath.NormalizedRatio(1.0, 2.0, M(MetricCatalog.TeardownSeconds)), Is.EqualTo(0.5).Within(1e-9));

    [Test]
    public void NormalizedRatio_HigherIsBetterDoubled_IsHalf() =>
        Assert.That(ScoreMath.NormalizedRatio(200, 100, M(MetricCatalog.Throughput)), Is.EqualTo(0.5).Within(1e-9));

    [Test]
    public void NormalizedRatio_CountsBothZero_IsOne() =>
        Assert.That(ScoreMath.NormalizedRatio(0, 0, M(MetricCatalog.EnospcFailures)), Is.EqualTo(1.0));

    [Test]
    public void NormalizedRatio_CountAgainstZeroBaseline_AddOneSmoothed() =>
        Assert.That(ScoreMath.NormalizedRatio(3, 0, M(MetricCatalog.EnospcFailures)), Is.EqualTo(4.0));

    [Test]
    public void NormalizedRatio_ContinuousAgainstZeroBaseline_ClampedFinite() =>
        Assert.That(ScoreMath.NormalizedRatio(5, 0, M(MetricCatalog.CreationLatencyP99)), Is.EqualTo(ScoreMath.MaxRatio));

    [Test]
    public void TrackScore_TwoMetrics_GeometricMeanOfRatios()
    {
        MetricDefinition[] metrics = [M(MetricCatalog.TeardownSeconds), M(MetricCatalog.PeakMemory)];
        var means = new Dictionary<string, double> { [MetricCatalog.TeardownSeconds] = 0.25, [MetricCatalog.PeakMemory] = 4.0 };
        var score = ScoreMath.TrackScore(metrics, m => means[m.Id] * 1.0, _ => 1.0);
        Assert.That(score, Is.EqualTo(1.0).Within(1e-6));
    }

    [Test]
    public void Overall_TrackScores_GeometricMean() =>
        Assert.That(ScoreMath.Overall([0.5, 2.0, 1.0]), Is.EqualTo(1.0).Within(1e-12));
}
