using NetnsPolicy.Reports.Statistics;

namespace NetnsPolicy.Reports.Tests.Statistics;

[TestFixture]
public sealed class DistributionsTests
{
    [TestCase(0.0, 0.5)]
    [TestCase(1.959964, 0.975)]
    [TestCase(-1.644854, 0.05)]
    [TestCase(3.090232, 0.999)]
    public void NormalCdf_TabulatedPoint_MatchesTable(double x, double expected) =>
        Assert.That(Distributions.NormalCdf(x), Is.EqualTo(expected).Within(1e-6));

    [TestCase(0.975, 1.959964)]
    [TestCase(0.5, 0.0)]
    [TestCase(0.001, -3.090232)]
    public void NormalQuantile_TabulatedProbability_MatchesTable(double p, double expected) =>
        Assert.That(Distributions.NormalQuantile(p), Is.EqualTo(expected).Within(1e-5));

    [TestCase(0.975, 1, 12.706205)]
    [TestCase(0.975, 4, 2.776445)]
    [TestCase(0.975, 9, 2.262157)]
    [TestCase(0.95, 29, 1.699127)]
    public void StudentTQuantile_TabulatedProbability_MatchesTable(double p, double df, double expected) =>
        Assert.That(Distributions.StudentTQuantile(p, df), Is.EqualTo(expected).Within(1e-5));

    [Test]
    public void LogGamma_Integers_MatchFactorials() =>
        Assert.That(Distributions.LogGamma(6), Is.EqualTo(Math.Log(120)).Within(1e-12));
}
