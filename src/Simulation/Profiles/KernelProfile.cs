namespace NetnsPolicy.Simulation.Profiles;

/// <summary>
/// A kernel era's structure and costs (docs/profile-format.md). Every cost is in nanoseconds of CPU time on the
/// reference machine (the seed's i5-5200U) for a non-debug kernel; <see cref="DebugSpec"/> scales them.
/// </summary>
public sealed record KernelProfile
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public string Id { get; init; } = "";
    public string Description { get; init; } = "";

    /// <summary>Commits, threads and measurements the profile's structure and costs come from.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Which costs are measured and which are estimates.</summary>
    public string Provenance { get; init; } = "";

    public StructureSpec Structure { get; init; } = new();
    public CoreCosts Costs { get; init; } = new();
    public RcuSpec Rcu { get; init; } = new();
    public MemorySpec Memory { get; init; } = new();
    public DebugSpec Debug { get; init; } = new();
    public int DefaultMaxNetNamespaces { get; init; } = 63_000;
    public IReadOnlyList<DeviceTypeSpec> Devices { get; init; } = [];
    public IReadOnlyList<PernetOpSpec> PernetOps { get; init; } = [];

    /// <summary>Run-to-run variation (docs/calibration.md); null: none, every replication identical, as before it existed.</summary>
    public VariationSpec? Variation { get; init; }
}

/// <summary>The structural switches that distinguish eras (KERNEL-MODEL.md §6).</summary>
public sealed record StructureSpec
{
    /// <summary>exclusive (net_mutex, ≤4.17) or shared (pernet_ops_rwsem for read, 4.18+).</summary>
    public string SetupLock { get; init; } = "exclusive";

    /// <summary>spinlock (cleanup_list_lock) or llist (lock-free; work queued only on the first add, 4.18).</summary>
    public string CleanupList { get; init; } = "spinlock";

    /// <summary>all_sockets (≤4.17) or owning_netns (4.18+).</summary>
    public string UeventDelivery { get; init; } = "all_sockets";

    /// <summary>One skb allocated and shared by every socket (4.15) instead of one per socket.</summary>
    public bool UeventSkbShared { get; init; }

    /// <summary><c>uevent_net_exit</c> searches the socket list linearly (≤4.17).</summary>
    public bool UeventNetExitLinear { get; init; } = true;

    /// <summary>rtnl (≤4.17: net list changes under RTNL) or net_rwsem (4.18+).</summary>
    public string NetListLock { get; init; } = "rtnl";

    /// <summary>pre_exit hooks exist and share cleanup_net's one grace period (5.3, d7d99872c144).</summary>
    public bool PreExit { get; init; }

    /// <summary>normal or expedited: the grace period of cleanup_net step 6 (expedited from 6.9, 78c3253f27e5).</summary>
    public string CleanupSync { get; init; } = "normal";

    /// <summary>synchronize_net from the cleanup thread always expedited (6.14+, ae646f1a0bb9).</summary>
    public bool SynchronizeNetAlwaysExpedited { get; init; }

    /// <summary>RTNL dropped around the syncs and backlog flush of unregister rounds in the cleanup path (6.14+).</summary>
    public bool RtnlDropAroundWaits { get; init; }

    /// <summary>per_net (O(D×N×I)) or batched (one pass over live nets, 7.0, 7acee67a6bce).</summary>
    public string NsidRemoval { get; init; } = "per_net";

    /// <summary><c>default_device_exit</c> runs once per dying net (≤5.17); otherwise folded into the batch.</summary>
    public bool DefaultDeviceExitPerNet { get; init; } = true;

    /// <summary><c>exit_batch_rtnl</c>: converted drivers share one RTNL hold and one unregister round (6.9).</summary>
    public bool ExitBatchRtnl { get; init; }
}

/// <summary>Costs of the steps the engine itself models (not owned by a pernet op).</summary>
public sealed record CoreCosts
{
    public long NetAllocNs { get; init; }
    public long NetFreeNs { get; init; }
    public long CleanupListSpinNs { get; init; }
    public long QueueWorkNs { get; init; }
    public long UnlinkNetNs { get; init; }
    /// <summary>Visiting one live net in the nsid scan (for_each_net + peernet2id with no ids).</summary>
    public long NsidVisitNs { get; init; }
    /// <summary>Extra per nsid held by the visited net (the IDR lookup is linear in I).</summary>
    public long NsidPerIdNs { get; init; }
    public long NsidRemoveNs { get; init; }
    public long LinkNetNs { get; init; }
    public long RtnlRoundTripNs { get; init; }
    /// <summary>Building one uevent's environment (allocation).</summary>
    public long UeventEnvNs { get; init; }
    /// <summary>Visiting one uevent socket that has no listener (netlink_has_listeners false).</summary>
    public long UeventSocketCheckNs { get; init; }
    /// <summary>Visiting one socket that counts as listened: skb alloc + copy + broadcast walk + free.</summary>
    public long UeventSocketDeliverNs { get; init; }
    /// <summary>The same with the shared skb of 4.15 (no per-socket alloc/copy).</summary>
    public long UeventSocketDeliverSharedNs { get; init; }
    /// <summary>uevent_net_exit: per socket walked in the linear search.</summary>
    public long UeventNetExitPerSocketNs { get; init; }
    public long UeventNetExitBaseNs { get; init; }
    /// <summary>dev_close_many + unlist per device.</summary>
    public long DeviceUnlistNs { get; init; }
    /// <summary>flush_all_backlogs: work on every online CPU.</summary>
    public long FlushBacklogPerCpuNs { get; init; }
    /// <summary>NETDEV_UNREGISTER notifier chain (routes, addresses, neighbours, multicast).</summary>
    public long DeviceNotifierNs { get; init; }
    /// <summary>RTM_DELLINK + address-list flush.</summary>
    public long DeviceDellinkNs { get; init; }
    /// <summary>Removing one kobject from sysfs, without its uevent.</summary>
    public long KobjectRemoveNs { get; init; }
    public long KobjectAddNs { get; init; }
    public long TodoPerDeviceNs { get; init; }
    public long DeviceFreeNs { get; init; }
    public long DeviceRegisterNs { get; init; }
    /// <summary>Moving a physical device to the init netns, besides its syncs and uevents.</summary>
    public long DeviceMoveNs { get; init; }
    /// <summary>netdev_wait_allrefs: the longest sleep between reference checks (250 ms).</summary>
    public long WaitAllrefsQuantumNs { get; init; } = 250_000_000;

    /// <summary>Since 2020 the sleep backs off from 1 ms to the quantum instead of starting at it.</summary>
    public bool WaitAllrefsBackoff { get; init; }

    /// <summary>Time slice after which a kernel thread yields the CPU at its next step if others are runnable.</summary>
    public long SchedSliceNs { get; init; } = 3_000_000;
    /// <summary>Context switch / wakeup cost.</summary>
    public long ContextSwitchNs { get; init; }
    /// <summary>unshare/clone overhead of the creating process outside copy_net_ns.</summary>
    public long ProcessOverheadNs { get; init; }
}

/// <summary>RCU parameters.</summary>
public sealed record RcuSpec
{
    /// <summary>Normal GP length on an idle machine, in jiffies (FQS interval 1–3 jiffies).</summary>
    public double NormalGpBaseJiffies { get; init; } = 1.5;
    /// <summary>Extra jiffies when every CPU is busy (CPUs must be forced through a quiescent state).</summary>
    public double NormalGpBusyExtraJiffies { get; init; } = 2.0;
    public long NormalGpPerCpuNs { get; init; } = 1_000;
    /// <summary>Relative jitter (uniform ±) of a normal GP.</summary>
    public double GpJitter { get; init; } = 0.25;
    public long ExpeditedBaseNs { get; init; } = 20_000;
    public long ExpeditedPerCpuNs { get; init; } = 4_000;
    /// <summary>CPU time an expedited GP takes from every other CPU (IPI + handler).</summary>
    public long ExpeditedIpiNs { get; init; } = 2_000;
    public long CallRcuNs { get; init; } = 100;
    public long RcuBarrierBaseNs { get; init; } = 5_000;
    public long RcuBarrierPerCpuNs { get; init; } = 2_000;
    /// <summary>
    /// Grace period length with one online CPU: the context switch of the waiter is itself the quiescent state, so a
    /// GP (for call_rcu callbacks and rcu_barrier) ends as soon as the GP kthread runs.
    /// </summary>
    public long SingleCpuGpNs { get; init; } = 50_000;

    /// <summary>Whether synchronize_rcu returns at once on one online CPU (rcu_blocking_is_gp, !PREEMPT).</summary>
    public bool SingleCpuShortcut { get; init; } = true;
}

/// <summary>Memory accounting.</summary>
public sealed record MemorySpec
{
    /// <summary>struct net and every subsystem's per-net data, without per-CPU sockets.</summary>
    public long NetBaseBytes { get; init; }
    /// <summary>One per-CPU control socket (icmp, icmpv6, tcp…), per possible CPU.</summary>
    public long PerCpuSocketBytes { get; init; }
}

/// <summary>Debug-kernel (lockdep, DEBUG_LIST, DEBUG_SPINLOCK…) cost multipliers.</summary>
public sealed record DebugSpec
{
    public double CpuMultiplier { get; init; } = 1;
    /// <summary>Applied instead of <see cref="CpuMultiplier"/> to uevent code (mutex, allocation, broadcast).</summary>
    public double UeventMultiplier { get; init; } = 1;
}

/// <summary>A net device type.</summary>
public sealed record DeviceTypeSpec
{
    /// <summary>loopback, veth, physical, or a tunnel module name (sit, ip6_tunnel, ip_gre…).</summary>
    public string Name { get; init; } = "";
    /// <summary>loopback, veth, tunnel or physical.</summary>
    public string Kind { get; init; } = "";
    public int RxQueues { get; init; } = 1;
    public int TxQueues { get; init; } = 1;
    public long Bytes { get; init; }
    /// <summary>Extra unregister work of this driver (dellink, uninit).</summary>
    public long UnregisterExtraNs { get; init; }
}

/// <summary>A pernet operation, in registration order (subsystems first, device ops at the tail).</summary>
public sealed record PernetOpSpec
{
    /// <summary>The exit function's name as perf shows it (e.g. rpcsec_gss_exit_net).</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// plain; loopback (registers lo in init); default_device (default_device_exit[_batch]); uevent
    /// (the netns's uevent socket); tunnel (owns the fallback device of <see cref="Device"/>).
    /// </summary>
    public string Behaviour { get; init; } = "plain";

    /// <summary>For tunnel ops: the device type (module name) whose fallback device this op owns.</summary>
    public string? Device { get; init; }

    /// <summary>For tunnel ops: per_net (4.9 exit) or per_batch (exit_batch, bb401caefe9d) or batch_rtnl (6.9).</summary>
    public string TunnelTeardown { get; init; } = "per_net";

    public long InitNs { get; init; }
    public bool InitTakesRtnl { get; init; }
    /// <summary>Per-CPU control sockets created per possible CPU (icmp, tcp… before 2022).</summary>
    public int PerCpuSockets { get; init; }
    public long PerCpuSocketNs { get; init; }

    public long PreExitNs { get; init; }
    public long ExitNs { get; init; }
    /// <summary>Extra exit cost per live net (a walk of a global structure: ip6addrlbl in 4.9).</summary>
    public long ExitPerLiveNetNs { get; init; }
    public bool ExitTakesRtnl { get; init; }
    /// <summary>synchronize_rcu/synchronize_net calls in the per-net exit.</summary>
    public int ExitSyncs { get; init; }
    /// <summary>call_rcu callbacks queued by the per-net exit.</summary>
    public int ExitCallRcu { get; init; }
    public long CallbackNs { get; init; }

    public long ExitBatchNs { get; init; }
    public long ExitBatchPerNetNs { get; init; }
    public bool ExitBatchTakesRtnl { get; init; }
    public int ExitBatchSyncs { get; init; }

    public long FreeNs { get; init; }
}
