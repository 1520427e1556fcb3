using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Policies.Tests;

/// <summary>
/// The seed thread's predictions (Oct 2016, KERNEL-MODEL.md §9), each asserted on the simulated seed scenario against
/// the upstream baseline.
/// </summary>
[TestFixture]
public sealed class PolicyPredictionTests
{
    [Test]
    public void Batching_SeedScenario_LowersWorstCreationLatencyAndLengthensTeardown()
    {
        var upstream = SeedScenario.Run(SeedScenario.MaxCpus1, "upstream");
        var batching = SeedScenario.Run(SeedScenario.MaxCpus1, "batching");

        AssertOk(upstream, batching);
        Assert.That(batching.CreationLatencyMs.Max, Is.LessThan(upstream.CreationLatencyMs.Max / 2),
            "a creator waits for one 32-net batch instead of the whole 1000-net batch");
        Assert.That(batching.TeardownSeconds, Is.GreaterThan(upstream.TeardownSeconds),
            "every extra batch pays its own grace period and rcu_barrier");
        Assert.That(batching.Batches, Is.GreaterThanOrEqualTo(1000 / 32));
    }

    [Test]
    public void UeventSkip_SeedScenario_TeardownIsTheSeeds1_2SecondsWithin15Percent()
    {
        var upstream = SeedScenario.Run(SeedScenario.MaxCpus1, "upstream");
        var skip = SeedScenario.Run(SeedScenario.MaxCpus1, "uevent-skip");

        AssertOk(upstream, skip);
        Assert.That(upstream.TeardownSeconds, Is.InRange(2.8 * 0.85, 2.8 * 1.15), "the baseline must reproduce the seed's 2.8 s first");
        Assert.That(skip.TeardownSeconds, Is.InRange(1.2 * 0.85, 1.2 * 1.15));
        Assert.That(skip.Uevents.Suppressed, Is.GreaterThan(0));
        Assert.That(skip.OracleViolations, Is.Empty);
    }

    [Test]
    public void RcuOverlap_MultiCpuScenario_CutsGracePeriodTimeWaited()
    {
        var upstream = SeedScenario.Run(SeedScenario.Debug, "upstream");
        var overlap = SeedScenario.Run(SeedScenario.Debug, "rcu-overlap");

        AssertOk(upstream, overlap);
        Assert.That(overlap.Rcu.WaitTotalMs, Is.LessThan(upstream.Rcu.WaitTotalMs));
        Assert.That(overlap.Rcu.SynchronizeOverlapped, Is.GreaterThan(0));
        Assert.That(overlap.OracleViolations, Is.Empty, "overlapping only where the state was unpublished before the batch's grace period is safe");
    }

    [Test]
    public void Rwsem_SeedScenario_CreationLatencyIndependentOfBatchSize()
    {
        var small = SeedScenario.Run(SeedScenario.MaxCpus1, "rwsem+batching", SeedScenario.BatchSize(32));
        var whole = SeedScenario.Run(SeedScenario.MaxCpus1, "rwsem");
        var exclusiveSmall = SeedScenario.Run(SeedScenario.MaxCpus1, "batching", SeedScenario.BatchSize(32));
        var exclusiveWhole = SeedScenario.Run(SeedScenario.MaxCpus1, "upstream");

        AssertOk(small, whole, exclusiveSmall, exclusiveWhole);
        // Under net_mutex the batch size decides how long a creator waits; under the rwsem it does not.
        Assert.That(exclusiveWhole.CreationLatencyMs.Max / exclusiveSmall.CreationLatencyMs.Max, Is.GreaterThan(2.0));
        Assert.That(whole.CreationLatencyMs.Max / small.CreationLatencyMs.Max, Is.InRange(0.8, 1.25));
        Assert.That(whole.CreationLatencyMs.P99 / small.CreationLatencyMs.P99, Is.InRange(0.8, 1.25));
    }

    [Test]
    public void Adaptive_SeedScenario_BoundsCreationLatencyWithoutTheFixedBatchsTeardownCost()
    {
        var upstream = SeedScenario.Run(SeedScenario.MaxCpus1, "upstream");
        var batching = SeedScenario.Run(SeedScenario.MaxCpus1, "batching");
        var adaptive = SeedScenario.Run(SeedScenario.MaxCpus1, "adaptive");

        AssertOk(upstream, batching, adaptive);
        Assert.That(adaptive.CreationLatencyMs.Max, Is.LessThan(upstream.CreationLatencyMs.Max / 2));
        Assert.That(adaptive.CreationLatencyMs.P99, Is.LessThan(batching.CreationLatencyMs.P99), "batches sized to the lock-hold target, not a fixed 32");
        Assert.That(adaptive.OracleViolations, Is.Empty);
    }

    private static void AssertOk(params RunResult[] results)
    {
        foreach (var r in results)
        {
            Assert.That(r.Status, Is.EqualTo(RunStatus.Ok), $"{r.Policy}: {r.StatusDetail}");
        }
    }
}
