using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Tests.Kernel;

/// <summary>Kernel behaviours of KERNEL-MODEL.md §1–4 observed through a run's metrics.</summary>
[TestFixture]
public sealed class KernelBehaviourTests
{
    [Test]
    public void Workqueue_ReleasesDuringARun_QueueExactlyOneMoreRun()
    {
        // Four CPUs: the worker starts on the first release while the others are still being released, so the first
        // batch is small and batch 2 is every net released while batch 1 ran.
        var w = Sim.Workload("seed-1000-debug") with { Burst = new BurstSpec { Count = 300 } };
        var r = Sim.Run(w);
        Assert.That(r.Batches, Is.EqualTo(2));
        Assert.That(r.Series.Batches.Sum(b => b[2]), Is.EqualTo(300));
        Assert.That(r.Series.Batches[1][2], Is.GreaterThan(r.Series.Batches[0][2]));
    }

    [Test]
    public void Release_BurstByUmount_EachReleaseWaitsAnExpeditedGracePeriod()
    {
        // namespace_unlock's synchronize_rcu_expedited per umount, one release after the other; every net is still
        // freed, and the RCU-safety and conservation oracles hold.
        var exit = Sim.Workload("seed-1000-debug") with { Burst = new BurstSpec { Count = 300 } };
        var umount = exit with { Burst = exit.Burst! with { Release = "umount" } };
        var a = Sim.Run(exit);
        var b = Sim.Run(umount);
        Assert.That(b.Rcu.SynchronizeExpedited, Is.GreaterThanOrEqualTo(a.Rcu.SynchronizeExpedited + 300));
        Assert.That(b.Series.Batches.Sum(x => x[2]), Is.EqualTo(300));
        Assert.That(b.OracleViolations, Is.Empty);
    }

    [Test]
    public void Release_ByUmount_CleanupWorkersDeferredQuiescentState_WaitsForTheTickInAnyPhase()
    {
        // Preemptible RCU under dynamic preemption none (this VM's 6.18, traced: docs/calibration.md, twelfth and
        // thirteenth rounds): an umount's expedited GP whose IPI finds the cleanup_net worker unable to report waits for
        // that CPU's next tick, whether or not the worker holds RTNL — the release mostly meets it outside RTNL.
        var w = Sim.Workload("burst-1000-veth") with { Burst = new BurstSpec { Count = 200, Devices = new DeviceMix { VethPairs = 1 }, Release = "umount" } };
        var host = KernelProfileLoader.Load("host-6.18");
        var none = host with { Rcu = host.Rcu with { ExpeditedQsDeferProbability = 0, ExpeditedQsTickOnCleanupWorker = false } };
        var stepEnd = none with { Rcu = none.Rcu with { ExpeditedQsDeferProbability = 1 } };
        var tick = stepEnd with { Rcu = stepEnd.Rcu with { ExpeditedQsTickOnCleanupWorker = true } };
        var a = Sim.Run(w, none);
        var b = Sim.Run(w, stepEnd);
        var c = Sim.Run(w, tick);
        TestContext.Out.WriteLine($"release s: none {a.Generators.BurstReleaseSeconds}, step end {b.Generators.BurstReleaseSeconds}, tick {c.Generators.BurstReleaseSeconds}");
        Assert.That(b.Generators.BurstReleaseSeconds, Is.GreaterThan(a.Generators.BurstReleaseSeconds!.Value), "deferred to the step's end");
        Assert.That(c.Generators.BurstReleaseSeconds, Is.GreaterThan(b.Generators.BurstReleaseSeconds!.Value), "deferred to the tick");
        Assert.That(c.OracleViolations, Is.Empty);
    }

    [Test]
    public void ProfileWindow_ClosedAfterTheLastHostPeer_LeavesOutTheProbeAfterTheTeardown()
    {
        // The probe goes on for seconds after a 50-netns veth teardown; a perf recording stopped 50 ms after the last
        // host-side peer left sees only the creations until then, and all of the teardown.
        var open = Sim.Workload("burst-1000-veth") with
        {
            Burst = new BurstSpec { Count = 50, Devices = new DeviceMix { VethPairs = 1 }, Release = "umount" },
            Probe = new ProbeSpec { IntervalMs = 5, StopMs = 3000 },
        };
        var closed = open with { Burst = open.Burst! with { ProfileAfterPeersGoneMs = 50 } };
        var a = Sim.Run(open, profile: "v6.18");
        var b = Sim.Run(closed, profile: "v6.18");

        Assert.That(b.HostPeersGoneSeconds, Is.EqualTo(a.HostPeersGoneSeconds), "the window changes no simulated event");
        // Later probe netns are torn down by cleanup_net too: outside the window, as on the host.
        Assert.That(Sim.ProfileMs(b.Profile, "cleanup_net"), Is.LessThan(Sim.ProfileMs(a.Profile, "cleanup_net")));
        Assert.That(Sim.ProfileMs(b.Profile, "copy_net_ns"), Is.LessThan(Sim.ProfileMs(a.Profile, "copy_net_ns") / 4));
        Assert.That(Sim.ProfileMs(b.Profile, "copy_net_ns"), Is.GreaterThan(0));
    }

    [Test]
    public void ProfileWindow_OpenedBeforeTheRelease_CountsThePausesProbeCreations()
    {
        var w = Sim.Workload("burst-1000-veth") with
        {
            Burst = new BurstSpec { Count = 50, Devices = new DeviceMix { VethPairs = 1 }, DestroyAfterMs = 710, Release = "umount", ProfileAfterPeersGoneMs = 50 },
            Probe = new ProbeSpec { IntervalMs = 5, StopMs = 3000 },
        };
        var early = w with { Burst = w.Burst! with { ProfileBeforeReleaseMs = 700 } };
        var a = Sim.Run(w, profile: "v6.18");
        var b = Sim.Run(early, profile: "v6.18");

        Assert.That(b.HostPeersGoneSeconds, Is.EqualTo(a.HostPeersGoneSeconds));
        // 700 ms of a creation every 5 ms: about 140 more creations of ≈ 0.4 ms in the window.
        Assert.That(Sim.ProfileMs(b.Profile, "copy_net_ns") - Sim.ProfileMs(a.Profile, "copy_net_ns"), Is.GreaterThan(20));
    }

    [Test]
    public void Preemption_None_OnlyCondReschedPointsAreSteps()
    {
        // A non-preemptible kernel yields its cond_resched() calls as steps (ops_exit_list, process_one_work, the
        // return to user mode); the voluntary model yields none, so the era profiles' runs are those of before.
        var w = Sim.Workload("burst-1000-veth") with { Burst = new BurstSpec { Count = 50, Devices = new DeviceMix { VethPairs = 1 } } };
        var v618 = KernelProfileLoader.Load("v6.18");
        var none = v618 with { Structure = v618.Structure with { Preemption = PreemptionModel.None } };
        var a = SimulationEngine.Run(SimulationRequest.Upstream(w, v618));
        var b = SimulationEngine.Run(SimulationRequest.Upstream(w, none));

        Assert.That(v618.Structure.Preemption, Is.EqualTo(PreemptionModel.Voluntary));
        Assert.That(b.Steps, Is.GreaterThan(a.Steps + (50 * 30)), "a cond_resched after each plain op's exit of each net");
        Assert.That(b.NetsFreed, Is.EqualTo(a.NetsFreed));
        Assert.That(b.OracleViolations, Is.Empty);
    }

    [Test]
    public void Batching_SeedBurst_CutsWorstCreationLatency()
    {
        var w = Sim.SeedBurst(1000) with { Probe = new ProbeSpec { IntervalMs = 10 } };
        var upstream = Sim.Run(w);
        var batched = Sim.Run(w, TestPolicies.Batch(32));
        Assert.That(batched.Batches, Is.GreaterThanOrEqualTo(1000 / 32));
        Assert.That(batched.CreationLatencyMs.Max, Is.LessThan(upstream.CreationLatencyMs.Max / 5));
        Assert.That(batched.OracleViolations, Is.Empty);
    }

    [Test]
    public void Batching_TinyBatches_CostThroughput()
    {
        // Biederman: batching is what makes teardown throughput; per-batch fixed costs (exit_batch walks of global
        // hashes, rcu_barrier, grace periods) are paid once per batch. On v4.9 a moderate batch is even faster than
        // one huge batch, because each batch's uevent_net_exit removes its sockets from the O(N) uevent broadcast.
        var w = Sim.SeedBurst(1000);
        var upstream = Sim.Run(w);
        var one = Sim.Run(w, TestPolicies.Batch(1));
        var moderate = Sim.Run(w, TestPolicies.Batch(32));
        Assert.That(one.TeardownSeconds, Is.GreaterThan(upstream.TeardownSeconds));
        Assert.That(one.TeardownSeconds, Is.GreaterThan(moderate.TeardownSeconds));
        Assert.That(moderate.Uevents.SocketVisits, Is.LessThan(upstream.Uevents.SocketVisits * 0.7));
    }

    [Test]
    public void SharedLock_WithShortRtnlHolds_CreationNoLongerWaitsForTheBatch()
    {
        // pernet_ops_rwsem for read on both paths: creation still needs RTNL, so the comparison is made where the
        // batch's RTNL holds are short (dying nets' uevents skipped) and net_mutex is the only long wait.
        var w = Sim.Workload("seed-1000-debug") with { Burst = new BurstSpec { Count = 500 }, Probe = new ProbeSpec { IntervalMs = 10 } };
        var exclusive = Sim.Run(w, TestPolicies.SkipDyingUevents());
        var shared = Sim.Run(w, TestPolicies.SharedLockSkippingDyingUevents());
        var hold = exclusive.Series.Batches.Max(b => b[1] - b[0]);
        Assert.That(exclusive.CreationLatencyMs.Max, Is.GreaterThan(hold * 0.8));
        Assert.That(shared.CreationLatencyMs.Max, Is.LessThan(hold / 4));
        Assert.That(shared.OracleViolations, Is.Empty);
    }

    [Test]
    public void SharedLock_V49Uevents_CreationStillWaitsOnRtnl()
    {
        // With 4.9's O(N) uevents, default_device_exit_batch holds RTNL for the whole uevent storm: creators
        // (loopback registration needs RTNL) wait on it even when net_mutex no longer serialises them.
        var w = Sim.Workload("seed-1000-debug") with { Burst = new BurstSpec { Count = 500 }, Probe = new ProbeSpec { IntervalMs = 10 } };
        var shared = Sim.Run(w, TestPolicies.SharedLock());
        Assert.That(shared.CreationLatencyMs.Max, Is.GreaterThan(shared.Locks["rtnl_mutex"].HoldMaxMs * 0.8));
    }

    [Test]
    public void Enospc_BurstOverTheLimit_FailsTheExcessCreations()
    {
        var w = Sim.SeedBurst(100) with { Machine = Sim.SeedBurst(100).Machine with { MaxNetNamespaces = 60 } };
        var r = Sim.Run(w);
        Assert.That(r.EnospcFailures, Is.EqualTo(40));
        Assert.That(r.NetsCreated, Is.EqualTo(60));
        Assert.That(r.OracleViolations, Is.Empty);
    }

    [Test]
    public void Enospc_BacklogHoldsTheCount_ProbeFailsWhileQueuedNetsAreCharged()
    {
        // The ucount is released only at the very end of teardown: a backlog at the limit blocks creation.
        var w = Sim.SeedBurst(200) with
        {
            Machine = Sim.SeedBurst(200).Machine with { MaxNetNamespaces = 200 },
            Probe = new ProbeSpec { IntervalMs = 5 },
        };
        var r = Sim.Run(w);
        Assert.That(r.EnospcFailures, Is.GreaterThan(0));
    }

    [Test]
    public void Oom_MemoryLimitCrossed_EndsRunWithTime()
    {
        var w = Sim.SeedBurst(1000) with { Machine = Sim.SeedBurst(1000).Machine with { MemoryLimitMb = 100 } };
        var r = Sim.Run(w);
        Assert.That(r.Status, Is.EqualTo(RunStatus.Oom));
        Assert.That(r.Oom, Is.Not.Null.And.GreaterThan(0));
        Assert.That(r.PeakMemoryBytes, Is.GreaterThan(100L * 1024 * 1024));
    }

    [Test]
    public void Memory_ReturnsOnlyWhenNetsAreFreed()
    {
        var r = Sim.Run(Sim.SeedBurst(200));
        var peakIndex = r.Series.MemoryBytes.ToList().IndexOf(r.Series.MemoryBytes.Max());
        var teardownStartMs = r.Series.Batches[0][0];
        Assert.That(r.Series.TimeMs[peakIndex], Is.LessThanOrEqualTo(r.Series.Batches[0][1]), "memory peaks before the batch finishes");
        Assert.That(r.Series.MemoryBytes[^1], Is.EqualTo(0), "everything is returned after draining");
        Assert.That(teardownStartMs, Is.GreaterThan(0));
    }

    [Test]
    public void StopDuration_ChurnWorkload_StopsAtDuration()
    {
        var w = Sim.Workload("vsftpd-churn") with { Stop = new StopSpec { Mode = "duration", DurationMs = 1500 } };
        var r = Sim.Run(w);
        Assert.That(r.SimulatedSeconds, Is.EqualTo(1.5).Within(1e-9));
    }

    [Test]
    public void VethPeers_InHost_AnnounceTheirRemovalAndCostNsidWork()
    {
        var w = Sim.Workload("burst-1000-veth") with { Burst = new BurstSpec { Count = 50, Devices = new DeviceMix { VethPairs = 1 } }, Probe = null, RtnlUsers = null };
        var r = Sim.Run(w);
        // Each netns: lo + veth + sit0 + ip6tnl0 removed, plus the host-side peer: 5 devices × 3 kobjects.
        Assert.That(r.Uevents.Sent, Is.EqualTo(2 * 50 * 5 * 3), "every device is announced once on add and once on remove");
    }

    [Test]
    public void Tunnels_PerNetTeardownIn49_CostsExpeditedGracePeriodsPerNet()
    {
        var w = Sim.Workload("burst-1000-veth") with { Burst = new BurstSpec { Count = 50 }, Probe = null, RtnlUsers = null };
        var r = Sim.Run(w);
        // Two tunnel modules × 50 nets × 2 synchronize_net, plus the batch's own unregister round.
        Assert.That(r.Rcu.SynchronizeExpedited, Is.GreaterThanOrEqualTo(2 * 50 * 2));
    }

    [Test]
    public void LeakedReference_TodoList_WaitsInQuantaAndWarnsAfterTenSeconds()
    {
        // netdev_wait_allrefs: one device holding a reference for 12 s stalls the serial todo list behind it.
        var w = Sim.SeedBurst(20) with
        {
            Machine = Sim.SeedBurst(20).Machine with { LeakedReferences = new LeakedReferencesSpec { Fraction = 1, HoldMs = 12_000 } },
        };
        var r = Sim.Run(w);
        Assert.That(r.NetdevWait.Devices, Is.GreaterThanOrEqualTo(1));
        Assert.That(r.NetdevWait.Warnings, Is.GreaterThanOrEqualTo(1), "unregister_netdevice: waiting for lo to become free");
        Assert.That(r.TeardownSeconds, Is.GreaterThanOrEqualTo(12));
        Assert.That(r.NetdevWait.WaitTotalMs, Is.InRange(11_000, 12_300), "the first device waits until its reference drops (250 ms quanta); the rest have theirs dropped by then");
        Assert.That(r.OracleViolations, Is.Empty);
    }

    [Test]
    public void LeakedReference_NoLeak_NoWait()
    {
        var r = Sim.Run(Sim.SeedBurst(20));
        Assert.That(r.NetdevWait.Devices, Is.EqualTo(0));
    }
}
