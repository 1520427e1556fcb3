using NetnsPolicy.Reports.Statistics;

namespace NetnsPolicy.Reports.Tests.Statistics;

[TestFixture]
public sealed class MannWhitneyTests
{
    [Test]
    public void Test_ThreeBelowThree_ExactPIsOneTenth()
    {
        var r = MannWhitney.Test([1, 2, 3], [4, 5, 6]);
        Assert.Multiple(() =>
        {
            Assert.That(r.U, Is.Zero);
            Assert.That(r.Exact, Is.True);
            Assert.That(r.PValue, Is.EqualTo(0.1).Within(1e-12));
            Assert.That(r.Direction, Is.EqualTo(-1));
        });
    }

    [Test]
    public void Test_FiveAboveFive_ExactPIsTwoIn252()
    {
        var r = MannWhitney.Test([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
        Assert.Multiple(() =>
        {
            Assert.That(r.U, Is.EqualTo(25));
            Assert.That(r.PValue, Is.EqualTo(2.0 / 252).Within(1e-12));
            Assert.That(r.Direction, Is.EqualTo(1));
        });
    }

    [Test]
    public void Test_RHelpPageExample_MatchesWilcoxTest()
    {
        // R: wilcox.test(x, y, alternative = "greater") gives W = 35, p = 0.1272; two-sided doubles it.
        double[] x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
        double[] y = [1.15, 0.88, 0.90, 0.74, 1.21];
        var r = MannWhitney.Test(x, y);
        Assert.Multiple(() =>
        {
            Assert.That(r.U, Is.EqualTo(35));
            Assert.That(r.Exact, Is.True);
            Assert.That(r.PValue, Is.EqualTo(0.254412).Within(1e-6));
        });
    }

    [Test]
    public void Test_SmallSamplesWithTies_ExactPermutationPValue()
    {
        // Mid-ranks give U = 2.5; 7 of the 70 ways to pick the x's have a rank sum at most the observed one: p = 2 · 7/70.
        var r = MannWhitney.Test([1, 2, 2, 3], [2, 3, 4, 5]);
        Assert.Multiple(() =>
        {
            Assert.That(r.U, Is.EqualTo(2.5));
            Assert.That(r.Exact, Is.True);
            Assert.That(r.PValue, Is.EqualTo(0.2).Within(1e-12));
        });
    }

    [Test]
    public void Test_IdenticalReplicationsThreeAgainstThree_NotSignificant()
    {
        // The tie-corrected normal approximation would say p = 0.0495; the exact answer is 2/20.
        var r = MannWhitney.Test([7, 7, 7], [5, 5, 5]);
        Assert.That(r.PValue, Is.EqualTo(0.1).Within(1e-12));
    }

    [Test]
    public void Test_LargeSamplesWithTies_NormalApproximationWithTieAndContinuityCorrection()
    {
        // 75 values in all, beyond the exact limit: U = 392, p from σ² with the tie term and a ½ continuity correction.
        var x = Enumerable.Range(0, 40).Select(i => (double)(i % 7)).ToArray();
        var y = Enumerable.Range(0, 35).Select(i => (double)(i % 9 + 1)).ToArray();
        var r = MannWhitney.Test(x, y);
        Assert.Multiple(() =>
        {
            Assert.That(r.U, Is.EqualTo(392));
            Assert.That(r.Exact, Is.False);
            Assert.That(r.PValue, Is.EqualTo(0.00100859).Within(1e-7));
        });
    }

    [Test]
    public void Test_AllValuesEqual_PIsOneWithoutDirection()
    {
        var r = MannWhitney.Test([4, 4, 4], [4, 4, 4]);
        Assert.Multiple(() =>
        {
            Assert.That(r.PValue, Is.EqualTo(1.0));
            Assert.That(r.Direction, Is.Zero);
        });
    }

    [Test]
    public void Test_SwappedSamples_SamePValueOppositeDirection()
    {
        double[] a = [3.1, 4.7, 2.2, 5.9, 4.4];
        double[] b = [5.0, 6.1, 7.3, 5.5, 6.6, 8.0];
        var ab = MannWhitney.Test(a, b);
        var ba = MannWhitney.Test(b, a);
        Assert.Multiple(() =>
        {
            Assert.That(ba.PValue, Is.EqualTo(ab.PValue).Within(1e-12));
            Assert.That(ba.Direction, Is.EqualTo(-ab.Direction));
            Assert.That(ab.U + ba.U, Is.EqualTo(30));
        });
    }

    [Test]
    public void Test_LargeSamplesBeyondExactLimit_UsesNormalApproximation()
    {
        var x = Enumerable.Range(0, 60).Select(i => i + 0.5).ToArray();
        var y = Enumerable.Range(0, 60).Select(i => i + 30.25).ToArray();
        var r = MannWhitney.Test(x, y);
        Assert.Multiple(() =>
        {
            Assert.That(r.Exact, Is.False);
            Assert.That(r.PValue, Is.LessThan(1e-3));
        });
    }

    [TestCase(3, 3, 0.1)]
    [TestCase(4, 4, 2.0 / 70)]
    [TestCase(2, 2, 2.0 / 6)]
    public void MinimumPValue_SampleSizes_IsTwoOverBinomial(int n1, int n2, double expected) =>
        Assert.That(MannWhitney.MinimumPValue(n1, n2), Is.EqualTo(expected).Within(1e-12));
}
