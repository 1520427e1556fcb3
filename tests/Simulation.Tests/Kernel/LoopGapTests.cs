using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Tests.Kernel;

/// <summary>loops.gap_quantiles_ms: a measured time each cycle spends outside the kernel, slept (docs/workload-format.md).</summary>
[TestFixture]
public sealed class LoopGapTests
{
    private static Workload Loops(int count, IReadOnlyList<double>? gaps) => Sim.Workload("serial-unshare-1000") with
    {
        Machine = Sim.Workload("serial-unshare-1000").Machine with { Cpus = 2, PossibleCpus = 2, KernelProfile = "v6.18" },
        Loops = new LoopsSpec { Count = count, Cycles = 40, GapQuantilesMs = gaps },
    };

    [Test]
    public void Run_FixedGap_EachCycleSleepsThatLong()
    {
        var without = Sim.Run(Loops(1, null));
        var with = Sim.Run(Loops(1, [2, 2]));

        Assert.That(with.Generators.LoopsDoneSeconds!.Value - without.Generators.LoopsDoneSeconds!.Value, Is.EqualTo(40 * 0.002).Within(0.002), "40 cycles × 2 ms more");
        Assert.That(with.CreationLatencyMs.P50, Is.EqualTo(without.CreationLatencyMs.P50).Within(0.05), "one loop's creation costs the same");
    }

    [Test]
    public void Run_FourLoopsWithGaps_QueueLessForTheCpus()
    {
        var saturated = Sim.Run(Loops(4, null));
        var spaced = Sim.Run(Loops(4, [0.5, 1, 2, 4, 8]));

        Assert.That(spaced.CreationLatencyMs.Mean, Is.LessThan(saturated.CreationLatencyMs.Mean), "4 loops that sleep between cycles leave the 2 CPUs free more often");
    }

    [Test]
    public void Run_Gaps_SameSeedSameJsonAndReplicationsDiffer()
    {
        var w = Loops(2, [0, 0.5, 1, 3]);
        var a = RunResultJson.Serialize(Sim.Run(w));
        var b = RunResultJson.Serialize(Sim.Run(w));
        var other = SimulationEngine.Run(SimulationRequest.Upstream(w, NetnsPolicy.Simulation.Profiles.KernelProfileLoader.Load("v6.18"), 1));

        Assert.That(a, Is.EqualTo(b));
        Assert.That(other.Generators.LoopsDoneSeconds, Is.Not.EqualTo(Sim.Run(w).Generators.LoopsDoneSeconds), "replication 1 draws other gaps");
    }
}
