using NetnsPolicy.PluginHost.Composition;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.PluginHost.Tests.Composition;

[TestFixture]
public sealed class PolicySpecTests
{
    [Test]
    public void Parse_StackWithWinnerAndSpaces_MembersInOrderAndCanonicalForm()
    {
        var spec = PolicySpec.Parse(" uevent-skip + ! batching+rcu-overlap ");

        Assert.That(spec.Members, Is.EqualTo(new[]
        {
            new PolicySpecMember("uevent-skip", false),
            new PolicySpecMember("batching", true),
            new PolicySpecMember("rcu-overlap", false),
        }));
        Assert.That(spec.Canonical, Is.EqualTo("uevent-skip+!batching+rcu-overlap"));
        Assert.That(spec.IsStack, Is.True);
    }

    [TestCase("", "no policy given")]
    [TestCase("a++b", "has an empty member")]
    [TestCase("Batching", "is not a policy id")]
    [TestCase("a+a", "'a' appears twice")]
    public void Parse_InvalidSpec_ThrowsOnPolicyField(string text, string expected)
    {
        var error = Assert.Throws<InputValidationException>(() => PolicySpec.Parse(text));

        Assert.That(error!.Errors.Single().Field, Is.EqualTo("policy"));
        Assert.That(error.Message, Does.Contain(expected));
    }
}
