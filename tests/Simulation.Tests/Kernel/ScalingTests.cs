using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Tests.Kernel;

/// <summary>Scaling that follows from the model (KERNEL-MODEL.md §3.3): uevents make a burst's teardown quadratic.</summary>
[TestFixture]
public sealed class ScalingTests
{
    private static double Exponent(double small, double large) => Math.Log(large / small) / Math.Log(2);

    [Test]
    public void Teardown_BurstWithUevents_GrowsQuadratically()
    {
        var t500 = Sim.Run(Sim.SeedBurst(500)).TeardownSeconds;
        var t1000 = Sim.Run(Sim.SeedBurst(1000)).TeardownSeconds;
        var t2000 = Sim.Run(Sim.SeedBurst(2000)).TeardownSeconds;

        // T = a·N + b·N²: the local exponent rises toward 2 as the quadratic uevent term takes over.
        Assert.That(Exponent(t500, t1000), Is.GreaterThan(1.35));
        Assert.That(Exponent(t1000, t2000), Is.GreaterThan(Exponent(t500, t1000)));
        Assert.That(Exponent(t1000, t2000), Is.InRange(1.5, 2.0));
    }

    [Test]
    public void UeventTime_Burst_IsQuadraticInN()
    {
        var u500 = Sim.ProfileMs(Sim.Run(Sim.SeedBurst(500)).Profile, "kobject_uevent");
        var u1000 = Sim.ProfileMs(Sim.Run(Sim.SeedBurst(1000)).Profile, "kobject_uevent");
        Assert.That(Exponent(u500, u1000), Is.EqualTo(2.0).Within(0.1));
    }

    [Test]
    public void Teardown_BurstWithoutUevents_GrowsAboutLinearly()
    {
        var t500 = Sim.Run(Sim.SeedBurst(500), TestPolicies.SkipDyingUevents()).TeardownSeconds;
        var t1000 = Sim.Run(Sim.SeedBurst(1000), TestPolicies.SkipDyingUevents()).TeardownSeconds;
        var t2000 = Sim.Run(Sim.SeedBurst(2000), TestPolicies.SkipDyingUevents()).TeardownSeconds;
        Assert.That(Exponent(t500, t1000), Is.InRange(0.95, 1.2));
        Assert.That(Exponent(t1000, t2000), Is.InRange(0.95, 1.2));
    }

    [Test]
    public void CreationLatency_DuringBurstTeardown_BoundedBelowByBatchLockHold()
    {
        var w = Sim.SeedBurst(1000) with { Probe = new ProbeSpec { IntervalMs = 10 } };
        var r = Sim.Run(w);
        var longestBatch = r.Series.Batches.Max(b => b[1] - b[0]);

        // A probe that arrives during a batch waits for net_mutex until the batch releases it; the probe arrives at
        // most one interval (plus one creation) after the batch took the lock.
        Assert.That(longestBatch, Is.GreaterThan(1000), "the burst's batch holds net_mutex for seconds");
        Assert.That(r.CreationLatencyMs.Max, Is.GreaterThanOrEqualTo(longestBatch - 10 - r.CreationLatencyMs.P50));
        Assert.That(r.CreationLatencyMs.Max, Is.LessThanOrEqualTo(longestBatch + 10));
    }
}
