using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Policies.Tests;

/// <summary>Every shipped policy is actually consulted — and changes something — at each point it overrides.</summary>
[TestFixture]
public sealed class DecisionCountTests
{
    [TestCase("batching")]
    [TestCase("uevent-skip")]
    [TestCase("rcu-overlap")]
    [TestCase("rwsem")]
    [TestCase("adaptive")]
    [TestCase("uevent-skip+rcu-overlap+batching")]
    public void Run_SeedScenario_NonZeroDecisionCountsAtEveryOverriddenPoint(string spec)
    {
        var result = SeedScenario.Run(SeedScenario.MaxCpus1, spec);
        var overridden = spec.Split('+').Select(Overrides).Aggregate(DecisionPoint.None, (a, b) => a | b);

        Assert.That(result.Status, Is.EqualTo(RunStatus.Ok), result.StatusDetail);
        Assert.Multiple(() =>
        {
            foreach (var point in DecisionPoints.Split(overridden))
            {
                var name = DecisionPoints.Name(point);
                Assert.That(result.Decisions.TryGetValue(name, out var count) ? count.Calls : 0, Is.GreaterThan(0), $"{name} never asked");
                Assert.That(result.Decisions.TryGetValue(name, out count) ? count.Changed : 0, Is.GreaterThan(0), $"{name} never changed");
            }
        });
    }

    [Test]
    public void Run_Upstream_NoDecisionChanged()
    {
        var result = SeedScenario.Run(SeedScenario.MaxCpus1, "upstream");

        Assert.That(result.Decisions.Values.Sum(d => d.Changed), Is.Zero);
    }

    private static DecisionPoint Overrides(string id) => id switch
    {
        "batching" or "adaptive" => DecisionPoint.BatchAdmission,
        "uevent-skip" => DecisionPoint.UeventEmission,
        "rcu-overlap" => DecisionPoint.GracePeriod,
        "rwsem" => DecisionPoint.LockScope,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "not a shipped policy"),
    };
}
