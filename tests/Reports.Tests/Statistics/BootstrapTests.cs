using NetnsPolicy.Reports.Statistics;

namespace NetnsPolicy.Reports.Tests.Statistics;

[TestFixture]
public sealed class BootstrapTests
{
    private const double TrueMean = 5.0;

    [TestCase(5)]
    [TestCase(10)]
    [TestCase(30)]
    public void MeanInterval_ThousandNormalSampleSets_CoversTrueMeanAbout95Percent(int n)
    {
        var rng = new SeededRandom(20261126UL + (ulong)n);
        var covered = 0;
        const int sets = 1000;
        for (var s = 0; s < sets; s++)
        {
            var samples = Enumerable.Range(0, n).Select(_ => TrueMean + 2.0 * rng.NextGaussian()).ToArray();
            var ci = Bootstrap.MeanInterval(samples, seed: (ulong)s);
            if (ci.Contains(TrueMean))
            {
                covered++;
            }
        }

        Assert.That(covered / (double)sets, Is.InRange(0.93, 0.97));
    }

    [Test]
    public void MeanInterval_SameSeed_SameIntervalOtherSeedOther()
    {
        var samples = Enumerable.Range(1, 25).Select(i => Math.Sqrt(i) * 3.7 % 5.3).ToArray();
        var first = Bootstrap.MeanInterval(samples, 42);
        var second = Bootstrap.MeanInterval(samples.ToArray(), 42);
        var otherSeed = Bootstrap.MeanInterval(samples, 43);
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(otherSeed, Is.Not.EqualTo(first));
        });
    }

    [Test]
    public void MeanInterval_Samples_EstimateIsMeanAndIntervalBracketsIt()
    {
        double[] samples = [1, 4, 2, 8, 5, 7];
        var ci = Bootstrap.MeanInterval(samples, 1);
        Assert.Multiple(() =>
        {
            Assert.That(ci.Estimate, Is.EqualTo(4.5).Within(1e-12));
            Assert.That(ci.Low, Is.LessThan(4.5));
            Assert.That(ci.High, Is.GreaterThan(4.5));
            Assert.That(ci.Low, Is.GreaterThanOrEqualTo(1));
            Assert.That(ci.High, Is.LessThanOrEqualTo(8));
        });
    }

    [Test]
    public void MeanInterval_IdenticalSamples_ZeroWidth() =>
        Assert.That(Bootstrap.MeanInterval([3.0, 3.0, 3.0], 1), Is.EqualTo(new ConfidenceInterval(3, 3, 3)));

    [Test]
    public void MeanInterval_OneSample_ZeroWidth() =>
        Assert.That(Bootstrap.MeanInterval([2.5], 1), Is.EqualTo(new ConfidenceInterval(2.5, 2.5, 2.5)));

    [Test]
    public void ExpandedAlpha_FiveSamples_MatchesHesterbergFormula()
    {
        // 2Φ(−√(5/4)·t₀.₉₇₅,₄) = 2Φ(−1.118034 · 2.776445) = 2Φ(−3.104161)
        Assert.That(Bootstrap.ExpandedAlpha(0.05, 5), Is.EqualTo(0.0019082).Within(2e-6));
    }

    [Test]
    public void ExpandedAlpha_LargeSample_ApproachesNominal() =>
        Assert.That(Bootstrap.ExpandedAlpha(0.05, 10000), Is.EqualTo(0.05).Within(5e-4));

    [Test]
    public void Quantile_Type7_InterpolatesBetweenOrderStatistics() =>
        Assert.That(Bootstrap.Quantile([1.0, 2.0, 3.0, 4.0], 0.5), Is.EqualTo(2.5));
}
