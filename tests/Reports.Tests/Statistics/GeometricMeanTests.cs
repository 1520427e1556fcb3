using NetnsPolicy.Reports.Statistics;

namespace NetnsPolicy.Reports.Tests.Statistics;

[TestFixture]
public sealed class GeometricMeanTests
{
    [Test]
    public void Of_TwoAndEight_IsFour() => Assert.That(GeometricMean.Of([2, 8]), Is.EqualTo(4).Within(1e-12));

    [Test]
    public void Of_PowersOfTen_IsMiddlePower() => Assert.That(GeometricMean.Of([1, 10, 100]), Is.EqualTo(10).Within(1e-12));

    [Test]
    public void Of_RatioAndItsInverse_IsOne() => Assert.That(GeometricMean.Of([0.25, 4]), Is.EqualTo(1).Within(1e-12));

    [Test]
    public void Of_ManyTinyValues_DoesNotUnderflow() =>
        Assert.That(GeometricMean.Of(Enumerable.Repeat(1e-300, 1000)), Is.EqualTo(1e-300).Within(1e-310));

    [Test]
    public void Of_Zero_Throws() => Assert.That(() => GeometricMean.Of([1, 0]), Throws.TypeOf<ArgumentOutOfRangeException>());

    [Test]
    public void Of_Empty_Throws() => Assert.That(() => GeometricMean.Of([]), Throws.ArgumentException);
}
