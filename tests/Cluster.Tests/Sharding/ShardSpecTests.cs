using NetnsPolicy.Simulation;
using NetnsPolicy.Tournaments.Sharding;

namespace NetnsPolicy.Cluster.Tests.Sharding;

public sealed class ShardSpecTests
{
    [TestCase("1/1", 1, 1)]
    [TestCase("3/7", 3, 7)]
    [TestCase("7/7", 7, 7)]
    public void Parse_IndexOfCount_ReadsBoth(string text, int index, int count)
    {
        var shard = ShardSpec.Parse(text);

        Assert.That((shard.Index, shard.Count), Is.EqualTo((index, count)));
        Assert.That(shard.ToString(), Is.EqualTo(text));
    }

    [TestCase("0/3", "index must be 1–3")]
    [TestCase("4/3", "index must be 1–3")]
    [TestCase("1/0", "count must be 1–")]
    [TestCase("2", "not of the form i/n")]
    [TestCase("a/b", "not of the form i/n")]
    [TestCase("-1/3", "not of the form i/n")]
    [TestCase("1/3/5", "not of the form i/n")]
    public void Parse_BadText_ErrorNamesTheOption(string text, string reason)
    {
        var error = Assert.Throws<InputValidationException>(() => ShardSpec.Parse(text))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("--shard"));
        Assert.That(error.Errors.Single().Message, Does.Contain(reason));
    }
}
