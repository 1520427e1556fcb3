using NetnsPolicy.PluginHost.Composition;
using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.PluginHost.Tests.Composition;

[TestFixture]
public sealed class PolicyStackTests
{
    private static readonly BatchAdmissionContext Admission = new(null!, 10, BatchAdmission.All(10));

    [Test]
    public void Create_DisjointPoints_EachPointDecidedByItsOwner()
    {
        var a = new FakePolicy("a", DecisionPoint.BatchAdmission) { Take = 3 };
        var b = new FakePolicy("b", DecisionPoint.GracePeriod);

        var stack = PolicyStack.Create(PolicySpec.Parse("a+b"), [a, b]);

        Assert.That(stack.Descriptor.Id, Is.EqualTo("a+b"));
        Assert.That(stack.Descriptor.Overrides, Is.EqualTo(DecisionPoint.BatchAdmission | DecisionPoint.GracePeriod));
        Assert.That(stack.AdmitBatch(in Admission), Is.EqualTo(new BatchAdmission(3, true)));
        Assert.That(stack.OwnerOf(DecisionPoint.GracePeriod), Is.EqualTo("b"));
        Assert.That(stack.OwnerOf(DecisionPoint.LockScope), Is.Null);
    }

    [Test]
    public void Create_TwoMembersOnOnePointWithoutWinner_ConflictNamingPointAndFix()
    {
        var a = new FakePolicy("a", DecisionPoint.BatchAdmission);
        var b = new FakePolicy("b", DecisionPoint.BatchAdmission | DecisionPoint.GracePeriod);

        var error = Assert.Throws<InputValidationException>(() => PolicyStack.Create(PolicySpec.Parse("a+b"), [a, b]));

        Assert.That(error!.Message, Does.Contain("conflict: 'a' and 'b' all override batch_admission; mark the one that decides with '!' (e.g. 'a+!b')"));
    }

    [Test]
    public void Create_ConflictWithMarkedWinner_WinnerDecides()
    {
        var a = new FakePolicy("a", DecisionPoint.BatchAdmission) { Take = 3 };
        var b = new FakePolicy("b", DecisionPoint.BatchAdmission) { Take = 7 };

        var stack = PolicyStack.Create(PolicySpec.Parse("!a+b"), [a, b]);

        Assert.That(stack.AdmitBatch(in Admission).Take, Is.EqualTo(3));
        Assert.That(stack.OwnerOf(DecisionPoint.BatchAdmission), Is.EqualTo("a"));
    }

    [Test]
    public void Create_TwoWinnersOnOnePoint_Conflict()
    {
        var a = new FakePolicy("a", DecisionPoint.BatchAdmission);
        var b = new FakePolicy("b", DecisionPoint.BatchAdmission);

        var error = Assert.Throws<InputValidationException>(() => PolicyStack.Create(PolicySpec.Parse("!a+!b"), [a, b]));

        Assert.That(error!.Message, Does.Contain("are all marked '!'"));
    }

    [Test]
    public void Configure_QualifiedParameters_EachMemberGetsItsOwn()
    {
        var a = new FakePolicy("a", DecisionPoint.BatchAdmission, ParameterSpec.Integer("size", 32, 1, 100, "s"));
        var b = new FakePolicy("b", DecisionPoint.GracePeriod, ParameterSpec.Boolean("fast", false, "f"), ParameterSpec.Real("size", 0.5, 0, 1, "s"));
        var stack = PolicyStack.Create(PolicySpec.Parse("a+b"), [a, b]);
        var bound = PolicyParameters.Bind(stack.Descriptor.Parameters, new Dictionary<string, string> { ["a.size"] = "8", ["b.fast"] = "true" }, out var errors);

        stack.Configure(bound);

        Assert.That(errors, Is.Empty);
        Assert.That(stack.Descriptor.Parameters.Select(p => p.Name), Is.EqualTo(new[] { "a.size", "b.fast", "b.size" }));
        Assert.That(a.Configured!.GetInt64("size"), Is.EqualTo(8));
        Assert.That(b.Configured!.GetBoolean("fast"), Is.True);
        Assert.That(b.Configured.GetDouble("size"), Is.EqualTo(0.5));
    }
}
