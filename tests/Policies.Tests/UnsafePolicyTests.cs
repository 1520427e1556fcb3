using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Policies.Tests;

/// <summary>Deliberately unsafe policies (tests/TestPlugins/Misbehaving) are disqualified by the oracles, with the violation shown.</summary>
[TestFixture]
public sealed class UnsafePolicyTests
{
    [Test]
    public void UnsafeRcu_FreesBeforeAGracePeriod_RcuSafetyViolationShown()
    {
        var result = SeedScenario.Run(SeedScenario.MaxCpus1, "unsafe-rcu", testPlugin: true);

        Assert.That(result.OracleViolations, Is.Not.Empty);
        var violation = result.OracleViolations.First(v => v.Rule == "rcu-safety");
        Assert.That(violation.Message, Does.Contain("grace period"));
        Assert.That(violation.Objects, Is.Not.Empty);
    }

    [Test]
    public void UnsafeUevent_SuppressesALiveNetnsUevents_UeventViolationShown()
    {
        var result = SeedScenario.Run(SeedScenario.Veth, "unsafe-uevent", testPlugin: true);

        Assert.That(result.OracleViolations.Select(v => v.Rule), Does.Contain("uevent"));
        Assert.That(result.OracleViolations.First(v => v.Rule == "uevent").Message, Is.Not.Empty);
    }

    [Test]
    public void UeventSkip_VethPeersInTheHost_NoViolation()
    {
        var result = SeedScenario.Run(SeedScenario.Veth, "uevent-skip");

        Assert.That(result.Status, Is.EqualTo(RunStatus.Ok), result.StatusDetail);
        Assert.That(result.OracleViolations, Is.Empty);
        Assert.That(result.Uevents.Suppressed, Is.GreaterThan(0));
        Assert.That(result.Uevents.Sent, Is.GreaterThan(0), "the host-side veth peers still announce their removal");
    }
}
