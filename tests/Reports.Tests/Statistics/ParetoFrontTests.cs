using NetnsPolicy.Reports.Statistics;

namespace NetnsPolicy.Reports.Tests.Statistics;

[TestFixture]
public sealed class ParetoFrontTests
{
    private static readonly bool[] MinMin = [true, true];

    [Test]
    public void Compute_TradeOffCurveAndDominatedPoint_DominatedPointExcluded()
    {
        IReadOnlyList<double>[] points = [[1, 5], [2, 3], [4, 1], [3, 4], [5, 5]];
        Assert.That(ParetoFront.Compute(points, MinMin), Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void Compute_MaximisedObjective_RespectsDirection()
    {
        // Creation latency (min), throughput (max): (10, 100) dominates (12, 90); (8, 50) trades off.
        IReadOnlyList<double>[] points = [[10, 100], [12, 90], [8, 50]];
        Assert.That(ParetoFront.Compute(points, [true, false]), Is.EqualTo(new[] { 0, 2 }));
    }

    [Test]
    public void Compute_DuplicatePoints_BothStay()
    {
        IReadOnlyList<double>[] points = [[1, 1], [1, 1], [2, 2]];
        Assert.That(ParetoFront.Compute(points, MinMin), Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void Compute_EqualOnOneObjectiveBetterOnOther_Dominates()
    {
        IReadOnlyList<double>[] points = [[1, 2], [1, 3]];
        Assert.That(ParetoFront.Compute(points, MinMin), Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void Compute_ThreeObjectives_EachExtremeStays()
    {
        IReadOnlyList<double>[] points = [[1, 9, 9], [9, 1, 9], [9, 9, 1], [9, 9, 9]];
        Assert.That(ParetoFront.Compute(points, [true, true, true]), Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void Compute_WrongArity_Throws()
    {
        IReadOnlyList<double>[] points = [[1, 2, 3]];
        Assert.That(() => ParetoFront.Compute(points, MinMin), Throws.ArgumentException);
    }
}
