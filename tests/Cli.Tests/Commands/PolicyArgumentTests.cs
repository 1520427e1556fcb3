using NetnsPolicy.Cli.Commands;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Cli.Tests.Commands;

public sealed class PolicyArgumentTests
{
    [Test]
    public void Parse_BareId_LabelIsTheId()
    {
        var entry = PolicyArgument.Parse("upstream", "--policy[0]");

        Assert.That(entry.Label, Is.EqualTo("upstream"));
        Assert.That(entry.Policy, Is.EqualTo("upstream"));
        Assert.That(entry.Parameters, Is.Empty);
    }

    [Test]
    public void Parse_StackWithParameters_KeepsSpecAndLabelsWithParameters()
    {
        var entry = PolicyArgument.Parse("uevent-skip+batching:batching.batch_size=8, other=1.5", "--policy[2]");

        Assert.That(entry.Policy, Is.EqualTo("uevent-skip+batching"));
        Assert.That(entry.Parameters["batching.batch_size"], Is.EqualTo("8"));
        Assert.That(entry.Parameters["other"], Is.EqualTo("1.5"));
        Assert.That(entry.Label, Is.EqualTo("uevent-skip+batching[batching.batch_size=8,other=1.5]"));
    }

    [TestCase("batching:batch_size=1,batch_size=2", "given twice")]
    [TestCase("batching:=3", "NAME=VALUE")]
    [TestCase(":batch_size=3", "names no policy")]
    public void Parse_Malformed_ThrowsNamingTheField(string text, string message)
    {
        var e = Assert.Throws<InputValidationException>(() => PolicyArgument.Parse(text, "--policy[3]"));

        Assert.That(e!.Errors.Single().Field, Is.EqualTo("--policy[3]"));
        Assert.That(e.Errors.Single().Message, Does.Contain(message));
    }
}
