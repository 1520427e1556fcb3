using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Tests.Kernel;

/// <summary>generators.*: when each workload generator finished, read directly (docs/metrics-schema.md).</summary>
[TestFixture]
public sealed class GeneratorMetricsTests
{
    [Test]
    public void Run_Burst_BurstReleasedAfterCreationAndBeforeLastFree()
    {
        var r = Sim.Run(Sim.SeedBurst(50));

        Assert.That(r.Generators.BurstReleasedSeconds, Is.Not.Null);
        Assert.That(r.Generators.BurstReleasedSeconds!.Value + r.TeardownSeconds, Is.EqualTo(r.SimulatedSeconds).Within(1e-6), "release + teardown = end of the drained run");
        Assert.That(r.Generators.LoopsDoneSeconds, Is.Null);
        Assert.That(r.Generators.ChurnDoneSeconds, Is.Null);
    }

    [Test]
    public void Run_Loops_LoopsDoneWhenTheLastCycleReleased()
    {
        var w = Sim.SeedBurst(1) with { Burst = null, Loops = new LoopsSpec { Count = 2, Cycles = 5 } };
        var r = Sim.Run(w);

        Assert.That(r.Generators.LoopsDoneSeconds, Is.Not.Null);
        Assert.That(r.Generators.LoopsDoneSeconds!.Value, Is.GreaterThan(0).And.LessThanOrEqualTo(r.SimulatedSeconds));
        Assert.That(r.NetsCreated, Is.EqualTo(10));
        Assert.That(r.Generators.BurstReleasedSeconds, Is.Null);
    }

    [Test]
    public void Run_Churn_ChurnDoneAfterArrivalsEnd()
    {
        var w = Sim.SeedBurst(1) with
        {
            Burst = null,
            Churn = new ChurnSpec { ArrivalsPerSecond = 200, DurationMs = 100, Lifetime = new LifetimeSpec { Distribution = "fixed", MeanMs = 20 } },
        };
        var r = Sim.Run(w);

        Assert.That(r.Generators.ChurnDoneSeconds, Is.Not.Null);
        Assert.That(r.Generators.ChurnDoneSeconds!.Value, Is.GreaterThan(0.02).And.LessThanOrEqualTo(r.SimulatedSeconds));
    }
}
