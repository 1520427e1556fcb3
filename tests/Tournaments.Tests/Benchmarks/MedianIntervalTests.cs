using NetnsPolicy.Benchmarks;

namespace NetnsPolicy.Tournaments.Tests.Benchmarks;

/// <summary>The order-statistic ranks and coverages of <see cref="MedianInterval"/> against hand-computed binomial sums.</summary>
public sealed class MedianIntervalTests
{
    [Test]
    public void NinePairsUseRanksTwoAndEight()
    {
        // 2·P(B ≤ 1) = 2·(1 + 9)/512 = 20/512; ranks 3 and 7 would cover only 1 − 2·46/512 = 420/512 = 82%.
        var ranks = MedianInterval.Choose(9, 0.9);
        Assert.That(ranks, Is.EqualTo(new MedianInterval.Ranks(2, 8, 492, 512)));
        Assert.That(ranks!.Value.Coverage, Is.EqualTo(0.9609375));
    }

    [Test]
    public void FivePairsAreTheFewestWithNinetyPercent()
    {
        // n = 5: min..max covers 1 − 2/32 = 30/32; n = 4: 1 − 2/16 = 14/16 = 87.5% < 90%.
        Assert.That(MedianInterval.Choose(5, 0.9), Is.EqualTo(new MedianInterval.Ranks(1, 5, 30, 32)));
        Assert.That(MedianInterval.Choose(4, 0.9), Is.Null);
        Assert.That(MedianInterval.Choose(1, 0.9), Is.Null);
    }

    [Test]
    public void TwentyPairsUseRanksSixAndFifteen()
    {
        // Σ_{i≤5} C(20, i) = 1 + 20 + 190 + 1140 + 4845 + 15504 = 21700; 1048576 − 43400 = 1005176 (95.9%);
        // adding C(20, 6) = 38760 gives 60460, 1048576 − 120920 = 927656 (88.5%) < 90%.
        Assert.That(MedianInterval.Choose(20, 0.9), Is.EqualTo(new MedianInterval.Ranks(6, 15, 1005176, 1048576)));
    }

    [Test]
    public void IntervalTakesTheOrderStatistics()
    {
        var samples = new[] { 0.95, 0.82, 1.02, 0.88, 0.91, 0.86, 0.99, 0.84, 0.93 };
        var interval = MedianInterval.Of(samples, 0.9);
        Assert.That(interval, Is.Not.Null);
        Assert.That(interval!.Value.Low, Is.EqualTo(0.84));
        Assert.That(interval.Value.High, Is.EqualTo(0.99));
        Assert.That(MedianInterval.Of([0.9, 0.8, 1.0], 0.9), Is.Null);
    }
}
