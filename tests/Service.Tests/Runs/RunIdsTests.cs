using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Tests.Runs;

[TestFixture]
public sealed class RunIdsTests
{
    [Test]
    public void New_SameMillisecond_StrictlyIncreasingAndWellFormed()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

        var ids = Enumerable.Range(0, 1000).Select(_ => RunIds.New(now)).ToList();

        Assert.That(ids, Is.Ordered.Ascending.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Count));
        Assert.That(ids.All(RunIds.IsWellFormed), Is.True);
    }

    [Test]
    public void New_ClockGoesBack_StillIncreasing()
    {
        var later = RunIds.New(DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_000));

        var earlier = RunIds.New(DateTimeOffset.FromUnixTimeMilliseconds(1_850_000_000_000));

        Assert.That(string.CompareOrdinal(earlier, later), Is.GreaterThan(0));
    }

    [TestCase("01ARZ3NDEKTSV4RRFFQ69G5FAV", true)]
    [TestCase("01ARZ3NDEKTSV4RRFFQ69G5FA", false)]
    [TestCase("01ARZ3NDEKTSV4RRFFQ69G5FAI", false)]
    [TestCase("01arz3ndektsv4rrffq69g5fav", false)]
    public void IsWellFormed_Text_AcceptsOnlyRunIdShape(string id, bool expected)
    {
        Assert.That(RunIds.IsWellFormed(id), Is.EqualTo(expected));
    }
}
