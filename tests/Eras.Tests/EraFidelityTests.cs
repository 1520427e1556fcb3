using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Eras.Tests;

/// <summary>
/// The structural switches read from the kernel source for issue 10 (docs/eras.md, "Era timeline"): each test runs
/// the era that has the commit on the workload that shows it, and names the commit. Each failed on the profiles
/// before the switch was added (figures in docs/eras.md).
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public sealed class EraFidelityTests
{
    private static readonly string[] Since4_15 = ["v4.15", "v4.18", "v5.3", "v5.18", "v6.9", "v6.18", "v7.0"];

    private static readonly string Seed = File.ReadAllText(Path.Combine(EraRun.RepoRoot(), "workloads", "seed-1000-maxcpus1.json"));

    /// <summary>
    /// 002d8a1a6c11 (Vagin, v4.10, "net: skip genenerating uevents for network namespaces that are exiting"):
    /// netdev_unregister_kobject and net_rx/netdev_queue_update_kobjects set uevent_suppress when the netns refcount
    /// is zero. The seed's own fix is upstream from 4.10 on: suppressing dying nets' uevents gains nothing there.
    /// </summary>
    [TestCaseSource(nameof(Since4_15))]
    public void SeedMaxcpus1_UeventSkipPolicy_EqualsUpstreamWithin1Percent(string era)
    {
        var upstream = EraRun.Run(era, Seed);
        var skip = Run(era, Seed, new SkipDyingUevents());

        Assert.That(upstream.Uevents.Sent, Is.EqualTo(3000), "only the KOBJ_ADDs of 1000 × (device + rx + tx queue)");
        Assert.That(upstream.Uevents.Suppressed, Is.EqualTo(3000), "every KOBJ_REMOVE of a dying netns's lo is suppressed");
        Assert.That(skip.TeardownSeconds, Is.EqualTo(upstream.TeardownSeconds).Within(1).Percent);
    }

    [Test]
    public void SeedMaxcpus1_V4_9_StillSendsEveryUevent()
    {
        var r = EraRun.Run("v4.9", Seed);

        Assert.That(r.Uevents.Suppressed, Is.Zero);
        Assert.That(r.Uevents.Sent, Is.EqualTo(6000), "ADD and REMOVE for 1000 × 3 kobjects");
    }

    /// <summary>
    /// 4e645b47c4f0 (Westphal, 4.16): __nf_unregister_net_hook frees the old hook blob with call_rcu
    /// (nf_hook_entries_free) instead of synchronize_net. iptable_filter's exit waits for no grace period from
    /// 4.16 on, and d7d99872c144 (5.3) only added pre_exit: no era has one grace period per dying net.
    /// </summary>
    [TestCase("v4.18")]
    [TestCase("v5.3")]
    public void Serial48_NetfilterHooks_NoGracePeriodPerDyingNet(string era)
    {
        var r = EraRun.Run(era, EraRun.Workload("serial-200-48cpu"));
        var perBatch = 1 + KernelProfileLoader.Load(era).PernetOps.Sum(o => o.ExitBatchSyncs);

        Assert.That(r.Rcu.SynchronizeNormal, Is.EqualTo(perBatch * r.Batches), "cleanup_net's GP and netfilter's two exit_batch syncs");
        Assert.That(r.Rcu.CallRcuCallbacks, Is.GreaterThanOrEqualTo(3 * r.NetsFreed), "3 hook blobs per net freed with call_rcu");
    }

    /// <summary>
    /// 4.17 (Tkhai, f0b07bb151b0 and the net_rwsem series): cleanup_net drops net_rwsem after list_del_rcu; unhash_nsid
    /// then takes each net's nsid_lock only. Creators linking a net wait for the unlinks, not for the O(D·N·I) scan.
    /// </summary>
    [TestCase("v4.18")]
    [TestCase("v6.18")]
    public void NsidHeavy_NetRwsem_NotHeldAcrossUnhashNsid(string era)
    {
        var r = EraRun.Run(era, EraRun.Workload("nsid-2000-live"));

        Assert.That(r.Locks["net_rwsem"].HoldMaxMs, Is.LessThan(1.0), "net_rwsem covers the list_del_rcu of a batch only");
        Assert.That(EraRun.SelfMs(r, "__peernet2id"), Is.GreaterThan(10), "the per-net scan still runs, outside net_rwsem");
    }

    /// <summary>
    /// e759e1e4a4bd (Jan 2025) reverted 83419b61d187, ae646f1a0bb9 and cfa579f66656: unregister_netdevice_many_notify
    /// holds RTNL across flush_all_backlogs and both synchronize_net, as in 6.9. 0734d7c3d93c: synchronize_net() is
    /// expedited when called from cleanup_net — netfilter's pernet exit syncs included.
    /// </summary>
    [Test]
    public void Tunnels_V6_18_RtnlHeldAcrossWaitsAndCleanupSyncsExpedited()
    {
        var shipped = KernelProfileLoader.Load("v6.18");
        var reverted = shipped with { Structure = shipped.Structure with { RtnlDropAroundWaits = true } };
        var workload = WorkloadLoader.Parse(EraRun.Workload("tunnels-100"));
        var held = SimulationEngine.Run(SimulationRequest.Upstream(workload, shipped));
        var dropped = SimulationEngine.Run(SimulationRequest.Upstream(workload, reverted));

        // Held across flush_all_backlogs and both synchronize_net of each round: on 64 CPUs ≈ 2 × (20 + 64 × 5) µs +
        // 64 × 1.5 µs ≈ 0.8 ms more RTNL per round than with the (reverted) releases; ≥ 0.5 ms per batch asserted.
        var extra = held.Locks["rtnl_mutex"].HoldTotalMs - dropped.Locks["rtnl_mutex"].HoldTotalMs;
        Assert.That(shipped.Structure.RtnlDropAroundWaits, Is.False);
        Assert.That(extra / held.Batches, Is.GreaterThanOrEqualTo(0.5));
        Assert.That(held.Rcu.SynchronizeNormal, Is.Zero, "every synchronize_net from cleanup_net is expedited");
    }

    /// <summary>1ebb85f9c03d (6.9, merge 0f37666d87d2 "net-avoid-slow-rcu"): nf_conntrack_cleanup_net_list uses synchronize_rcu_expedited.</summary>
    [Test]
    public void Tunnels_V6_9_ConntrackSyncExpedited()
    {
        var r = EraRun.Run("v6.9", EraRun.Workload("tunnels-100"));

        Assert.That(r.Rcu.SynchronizeNormal, Is.EqualTo(r.Batches), "only nfnetlink's exit_batch sync stays normal");
    }

    /// <summary>
    /// Teardown queues RCU callbacks (in_device, inet6_dev, dst and neighbour entries of every device; netlink kernel
    /// sockets; x_tables hook blobs): netdev_run_todo's and cleanup_net's rcu_barrier wait for them on SMP.
    /// </summary>
    [Test]
    public void Churn40_V4_15_RcuBarrierWaitsForTeardownCallbacks()
    {
        var r = EraRun.Run("v4.15", EraRun.Workload("churn-40x10"));

        // Each device queues 3 callbacks: every barrier has callbacks to wait for, a grace period on 48 CPUs.
        Assert.That(r.Rcu.CallRcuCallbacks, Is.GreaterThanOrEqualTo(3 * 400 + 3 * 400));
        Assert.That(r.Rcu.BarrierWaitMs / r.Rcu.RcuBarriers, Is.GreaterThan(1.0), "a barrier waits about one normal grace period");
    }

    /// <summary>Merge 4caaf75888d8 (5.18): addrconf_ifdown walks the netns's own address hash, not every address on the host.</summary>
    [Test]
    public void Ipv6Addresses_AddrconfIfdown_GlobalWalkUntil5_18()
    {
        var w = EraRun.Workload("burst-200-probe").Replace("\"machine\": {", "\"machine\": {\n    \"ipv6_addresses_per_netns\": 4,", StringComparison.Ordinal);
        var before = EraRun.Run("v5.3", w);
        var after = EraRun.Run("v5.18", w);

        // 400 devices (lo + veth per net) × up to 200 nets × 4 addresses × 15 ns.
        Assert.That(EraRun.SelfMs(before, "addrconf_ifdown"), Is.GreaterThan(1.0));
        Assert.That(EraRun.SelfMs(after, "addrconf_ifdown"), Is.Zero);
    }

    /// <summary>
    /// edc12f032a5a (6.1): tcp_sk_exit_batch / tcpv6_net_exit_batch skip the ehash walk when the dying nets hold no
    /// TIME_WAIT sockets; 5.18 still walks it.
    /// </summary>
    [Test]
    public void Serial48_TimeWaitWalk_SkippedFrom6_1()
    {
        var before = EraRun.Run("v5.18", EraRun.Workload("serial-200-48cpu"));
        var after = EraRun.Run("v6.9", EraRun.Workload("serial-200-48cpu"));

        Assert.That(EraRun.SelfMs(before, "tcp_sk_exit_batch") / before.Batches, Is.EqualTo(0.4).Within(0.01));
        Assert.That(EraRun.SelfMs(after, "tcp_sk_exit_batch") / after.Batches, Is.EqualTo(0.02).Within(0.001));
    }

    /// <summary>
    /// 0f6ede9fbc74 (6.13, "net: defer final 'struct net' free in netns dismantle"): net_passive_dec puts struct net on
    /// defer_free_list and net_complete_free() frees it after the next cleanup_net run's rcu_barrier(), so after the
    /// drain the last run's struct nets (4288 bytes each, this VM's 6.18 net_namespace slab) are still held; 6.9
    /// returns all of it.
    /// </summary>
    [Test]
    public void Serial48_V6_18_LastRunsStructNetHeldOnDeferFreeList()
    {
        var before = EraRun.Run("v6.9", EraRun.Workload("serial-200-48cpu"));
        var after = EraRun.Run("v6.18", EraRun.Workload("serial-200-48cpu"));
        var lastBatch = (long)after.Series.Batches[^1][2];

        // v6.9 ends at its starting memory (the conservation oracle, checked by EraRun); both eras start equal.
        var held = after.Series.MemoryBytes[^1] - before.Series.MemoryBytes[^1];
        Assert.That(after.Batches, Is.LessThan(1000), "the series keeps the first 1000 batches: the last one must be in it");
        Assert.That(held, Is.EqualTo(lastBatch * 4288));
        Assert.That(held, Is.GreaterThan(0));
    }

    /// <summary>
    /// 2de79ee27fdb (5.10, "net: try to avoid unneeded backlog flush"): flush_all_backlogs queues flush_backlog only
    /// on CPUs whose backlog is not empty (flush_required); with no packets in flight no CPU gets a work item, so on
    /// 64 CPUs each unregister round pays 64 checks (60 ns) instead of 64 work items (1.5 µs). v5.3 still queues one on
    /// every online CPU.
    /// </summary>
    [Test]
    public void Burst64_V5_18_FlushAllBacklogsOnlyCpusWithBacklog()
    {
        var w = EraRun.Workload("burst-50-64cpu");
        var shipped = KernelProfileLoader.Load("v5.18");
        var everyCpu = EraRun.Run(shipped with { Structure = shipped.Structure with { FlushAllBacklogs = FlushAllBacklogsKind.EveryOnlineCpu } }, w);
        var after = EraRun.Run(shipped, w);
        var v5_3 = EraRun.Run("v5.3", w);

        Assert.That(KernelProfileLoader.Load("v5.3").Structure.FlushAllBacklogs, Is.EqualTo(FlushAllBacklogsKind.EveryOnlineCpu));
        Assert.That(shipped.Structure.FlushAllBacklogs, Is.EqualTo(FlushAllBacklogsKind.CpusWithBacklog));
        Assert.That(EraRun.SelfMs(after, "flush_all_backlogs") / EraRun.SelfMs(everyCpu, "flush_all_backlogs"), Is.EqualTo(60.0 / 1500).Within(0.004));
        Assert.That(EraRun.SelfMs(v5_3, "flush_all_backlogs") + EraRun.SelfMs(v5_3, "flush_backlog"), Is.GreaterThan(EraRun.SelfMs(after, "flush_all_backlogs") * 10), "v5.3: the caller's part and the items on every CPU");
    }

    /// <summary>
    /// Jan 2022 (5.18), "ipv4: do not use per netns icmp sockets" and "ipv4/tcp: do not use per netns ctl sockets"
    /// (Dumazet): the control sockets are global per-CPU sockets created once in init_net (icmp_init,
    /// DEFINE_PER_CPU ipv4_icmp_sk); a netns creates none and icmp_sk_ops lost its exit. 200 serial creations on
    /// v5.18 pay only the sysctl part of icmp_sk_init/icmpv6_sk_init (2 µs) and tcp_sk_init (4 µs), no icmp exit.
    /// </summary>
    [Test]
    public void Serial48_V5_18_ControlSocketsGlobalNoneCreatedPerNetns()
    {
        var r = EraRun.Run("v5.18", EraRun.Workload("serial-200-48cpu"));
        const int nets = 200;

        Assert.That(EraRun.SelfMs(r, "icmp_sk_init") / nets, Is.EqualTo(0.002).Within(1).Percent, "one of 200 creations may fall outside the profile window");
        Assert.That(EraRun.SelfMs(r, "icmpv6_sk_init") / nets, Is.EqualTo(0.002).Within(1).Percent, "one of 200 creations may fall outside the profile window");
        Assert.That(EraRun.SelfMs(r, "tcp_sk_init") / nets, Is.EqualTo(0.004).Within(1).Percent);
        Assert.That(EraRun.SelfMs(r, "icmp_sk_exit") + EraRun.SelfMs(r, "icmpv6_sk_exit"), Is.Zero);
    }

    /// <summary>6.x netdev_run_todo: dev_unreg_count is an atomic; ≤5.x took RTNL once per device to decrement it.</summary>
    [Test]
    public void Burst64_NetdevRunTodo_NoRtnlRoundTripPerDeviceOn6x()
    {
        var before = EraRun.Run("v5.18", EraRun.Workload("burst-50-64cpu"));
        var after = EraRun.Run("v6.9", EraRun.Workload("burst-50-64cpu"));
        var devices = 50;

        Assert.That(before.Locks["rtnl_mutex"].Acquisitions - after.Locks["rtnl_mutex"].Acquisitions, Is.GreaterThanOrEqualTo(devices));
    }

    /// <summary>
    /// kernel/rcu/tree.c rcu_blocking_is_gp() in 6.x returns true only before the scheduler runs: no synchronize_rcu
    /// short-cut on one online CPU (5.x: n_online_cpus ≤ 1).
    /// </summary>
    [Test]
    public void SeedMaxcpus1_V6_9_NoSingleCpuShortcut()
    {
        var before = EraRun.Run("v5.18", Seed);
        var after = EraRun.Run("v6.9", Seed);

        Assert.That(before.Rcu.SynchronizeShortcut, Is.GreaterThan(0));
        Assert.That(after.Rcu.SynchronizeShortcut, Is.Zero);
    }

    /// <summary>
    /// 4207b556e62f (Heo, 6.9, "kernfs: RCU protect kernfs_nodes…"): kernfs_put frees every removed sysfs node with
    /// call_rcu(kernfs_free_rcu). A 100-netns veth burst removes 300 devices (lo, the veth end, its host peer), each
    /// with its device_del nodes and one rx and one tx queue kobject: that many more callbacks, run in rcu_do_batch,
    /// than with the nodes freed at once (≤6.8).
    /// </summary>
    [TestCase("v6.9")]
    [TestCase("v6.18")]
    [TestCase("v7.0")]
    public void Burst100Veth_KernfsNodesFreedByRcuCallbacksFrom6_9(string era)
    {
        var shipped = KernelProfileLoader.Load(era);
        var immediate = shipped with { Structure = shipped.Structure with { KernfsNodeFree = KernfsNodeFree.Immediate } };
        var veth = shipped.Devices.Single(d => d.Name == "veth");
        var nodesPerDevice = veth.SysfsNodes + (veth.RxQueues * veth.RxQueueSysfsNodes) + (veth.TxQueues * veth.TxQueueSysfsNodes);

        var after = EraRun.Run(shipped, VethBurst);
        var before = EraRun.Run(immediate, VethBurst);

        Assert.That(shipped.Structure.KernfsNodeFree, Is.EqualTo(KernfsNodeFree.Rcu));
        Assert.That(KernelProfileLoader.Load("v5.18").Structure.KernfsNodeFree, Is.EqualTo(KernfsNodeFree.Immediate));
        Assert.That(nodesPerDevice, Is.InRange(70, 80), "net_class_attrs, statistics, power, queues: dozens of nodes per device (74 on this VM's 6.18)");
        Assert.That(veth.TxQueueSysfsNodes, Is.EqualTo(6), "no byte_queue_limits group: netdev_uses_bql() is false for an lltx / IFF_NO_QUEUE device");
        Assert.That(after.Rcu.CallRcuCallbacks - before.Rcu.CallRcuCallbacks, Is.EqualTo(300L * nodesPerDevice));
        Assert.That(EraRun.SelfMs(after, "rcu_do_batch") - EraRun.SelfMs(before, "rcu_do_batch"), Is.EqualTo(300 * nodesPerDevice * shipped.Costs.KernfsFreeRcuNs / 1e6).Within(1).Percent);
    }

    /// <summary>
    /// netdev_unregister_kobject → device_del (drivers/base/core.c: device_remove_attrs, dpm_sysfs_remove,
    /// device_remove_class_symlinks) removes the device's 63–69 kernfs nodes; a queue kobject has 3 (rx) or 6 (tx; 15 with BQL). On
    /// this VM's 6.18 device_del is 4–6 times the queue kobjects (calibration/vm-6.18.44-20261201/perf-*.folded); with
    /// every kobject costed alike it was half of them.
    /// </summary>
    [Test]
    public void Burst100Veth_V6_18_DeviceDelCostsPerKernfsNode()
    {
        var r = EraRun.Run("v6.18", VethBurst);
        var deviceDel = EraRun.TotalMs(r, "device_del");
        var queues = EraRun.TotalMs(r, "net_rx_queue_update_kobjects") + EraRun.TotalMs(r, "netdev_queue_update_kobjects");

        Assert.That(deviceDel, Is.GreaterThan(1.5 * queues));
        Assert.That(EraRun.SelfMs(r, "sysfs_remove_groups"), Is.GreaterThan(0.6 * (deviceDel + queues)), "attribute removal is most of it");
    }

    /// <summary>
    /// flush_all_backlogs before 5.10 (net/core/dev.c: <c>queue_work_on(cpu, system_highpri_wq, …)</c> for every
    /// online CPU, then <c>flush_work</c> on each; 2de79ee27fdb skipped CPUs without a backlog from 5.10): the
    /// unregister round, RTNL held, waits until every CPU has run its item — a busy one only at its next scheduling
    /// point. 40 parallel unshare loops on 48 CPUs keep CPUs busy in 150 µs process segments: RTNL is held longer
    /// although the caller's own CPU per round drops from 72 to 24 µs (the 48 items run on their CPUs).
    /// </summary>
    [Test]
    public void Churn40_V5_3_FlushAllBacklogsWaitsForEveryOnlineCpu()
    {
        var shipped = KernelProfileLoader.Load("v5.3");
        var callerOnly = shipped with { Costs = shipped.Costs with { FlushBacklogPerCpuNs = 1500, FlushBacklogWorkNs = 0 } };
        var w = EraRun.Workload("churn-40x10");

        var after = EraRun.Run(shipped, w);
        var before = EraRun.Run(callerOnly, w);
        var rounds = EraRun.SelfMs(after, "flush_all_backlogs") / (48 * shipped.Costs.FlushBacklogPerCpuNs / 1e6);

        Assert.That(shipped.Structure.FlushAllBacklogs, Is.EqualTo(FlushAllBacklogsKind.EveryOnlineCpu));
        Assert.That(shipped.Costs.FlushBacklogWorkNs, Is.GreaterThan(0));
        Assert.That(EraRun.SelfMs(after, "flush_backlog"), Is.EqualTo(rounds * 48 * shipped.Costs.FlushBacklogWorkNs / 1e6).Within(1).Percent, "one item per online CPU per round");
        Assert.That(after.Locks["rtnl_mutex"].HoldTotalMs - before.Locks["rtnl_mutex"].HoldTotalMs, Is.GreaterThan(0.5), "the waits for busy CPUs outweigh the caller's saved CPU");
    }

    /// <summary>
    /// netdev_unregister_kobject (net/core/net-sysfs.c, every era): <c>remove_queue_kobjects(ndev)</c>, then
    /// <c>device_del(dev)</c>. Each device's KOBJ_REMOVEs come rx queue, tx queue, device — the device's last, so
    /// /sys/class/net/&lt;peer&gt; goes after its queues (the model had device_del first).
    /// </summary>
    [TestCase("v4.9")]
    [TestCase("v6.18")]
    public void Burst100Veth_NetdevUnregisterKobject_QueuesBeforeDeviceDel(string era)
    {
        var recorder = new UeventOrder();
        Run(era, VethBurst, recorder);
        var removes = recorder.Removes;

        Assert.That(removes, Has.Count.EqualTo(300 * 3), "lo, the veth end and its host peer: device, rx and tx queue each");
        for (var i = 0; i < removes.Count; i += 3)
        {
            Assert.That(removes.Skip(i).Take(3), Is.EqualTo(new[] { KobjectKind.RxQueue, KobjectKind.TxQueue, KobjectKind.Device }), $"device {i / 3}");
        }
    }

    private static readonly string VethBurst = """
        { "format_version": 1, "name": "burst-100-veth", "machine": { "cpus": 2, "hz": 250 },
          "burst": { "count": 100, "destroy_after_ms": 10, "devices": { "veth_pairs": 1 } },
          "stop": { "mode": "drain", "max_simulated_seconds": 600 }, "seed": 3 }
        """;

    private static RunResult Run(string era, string workloadJson, ICleanupPolicy policy)
    {
        var workload = WorkloadLoader.Parse(workloadJson);
        var result = SimulationEngine.Run(new SimulationRequest(workload, KernelProfileLoader.Load(era), policy, PolicyParameters.Empty, workload.Seed));
        Assert.That(result.Status, Is.EqualTo(RunStatus.Ok), result.StatusDetail);
        return result;
    }

    /// <summary>Records the kobject of every KOBJ_REMOVE uevent, answering as the kernel does.</summary>
    private sealed class UeventOrder : ICleanupPolicy
    {
        public PolicyDescriptor Descriptor { get; } = new("uevent-order", new Version(1, 0, 0), "records the order of REMOVE uevents", DecisionPoint.UeventEmission);

        public List<KobjectKind> Removes { get; } = [];

        public UeventEmission ChooseUeventEmission(in UeventContext context)
        {
            if (context.Action == UeventAction.Remove)
            {
                Removes.Add(context.Kobject);
            }

            return context.EmissionDefault;
        }
    }

    /// <summary>The rule of the uevent-skip plugin (src/Policies/UeventSkip): suppress a dying net's devices' uevents.</summary>
    private sealed class SkipDyingUevents : ICleanupPolicy
    {
        public PolicyDescriptor Descriptor { get; } = new("uevent-skip", new Version(1, 0, 0), "test copy of the uevent-skip plugin", DecisionPoint.UeventEmission);

        public UeventEmission ChooseUeventEmission(in UeventContext context) =>
            context.OwnerNetDying ? UeventEmission.Suppress : context.EmissionDefault;
    }
}
