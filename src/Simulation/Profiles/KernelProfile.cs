using System.Text.Json;
using System.Text.Json.Serialization;

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

    /// <summary>A creation after a pause runs cold (<see cref="CreationCacheSpec"/>, measured on the host); null: every creation costs the same, as before it existed.</summary>
    public CreationCacheSpec? CreationCache { get; init; }
}

/// <summary>
/// The structural switches that distinguish eras (KERNEL-MODEL.md §6, docs/eras.md): each is named after the kernel
/// behaviour it models and documents the commit that introduced it.
/// </summary>
public sealed record StructureSpec
{
    /// <summary>net_mutex (≤4.16) or pernet_ops_rwsem taken for read by setup_net and cleanup_net (4.17, merge 885842d89a9b).</summary>
    public SetupLockKind SetupLock { get; init; } = SetupLockKind.Exclusive;

    /// <summary>cleanup_list under cleanup_list_lock, or an llist with the work queued only on the first add (4.17).</summary>
    public CleanupListKind CleanupList { get; init; } = CleanupListKind.Spinlock;

    /// <summary>Device uevents broadcast to every netns's socket (≤4.17) or to the owning netns only (Brauner, 4.18).</summary>
    public UeventDeliveryKind UeventDelivery { get; init; } = UeventDeliveryKind.AllSockets;

    /// <summary>One skb allocated and shared by every socket (4.15) instead of one per socket.</summary>
    public bool UeventSkbShared { get; init; }

    /// <summary><c>uevent_net_exit</c> searches the socket list linearly (≤4.17).</summary>
    public bool UeventNetExitLinear { get; init; } = true;

    /// <summary>
    /// Whether netdev_unregister_kobject and the rx/tx queue kobject removal send the KOBJ_REMOVE uevents of a
    /// device whose netns refcount is zero (net/core/net-sysfs.c: <c>dev_set_uevent_suppress</c>,
    /// <c>kobj->uevent_suppress = 1</c>): sent (≤4.9) or suppressed (4.10, Vagin, "net: skip genenerating uevents
    /// for network namespaces that are exiting", 002d8a1a6c11).
    /// </summary>
    public DyingNetnsUevents DyingNetnsUevents { get; init; } = DyingNetnsUevents.Sent;

    /// <summary>net_namespace_list changes under RTNL (≤4.16) or net_rwsem (4.17, f0b07bb151b0).</summary>
    public NetListLockKind NetListLock { get; init; } = NetListLockKind.Rtnl;

    /// <summary>
    /// Where cleanup_net removes the dying nets' nsids from every live net: under the list lock (≤4.16, RTNL), or
    /// after <c>up_write(&amp;net_rwsem)</c> with each visited net's <c>nsid_lock</c> only (4.17,
    /// net/core/net_namespace.c <c>unhash_nsid</c>: "we do not use for_each_net_rcu() or net_rwsem").
    /// </summary>
    public NsidUnhashLock NsidUnhash { get; init; } = NsidUnhashLock.UnderListLock;

    /// <summary>pre_exit hooks exist and share cleanup_net's one grace period (5.3, d7d99872c144).</summary>
    public bool PreExit { get; init; }

    /// <summary>The grace period of cleanup_net step 6: normal, or expedited from 6.9 (78c3253f27e5).</summary>
    public CleanupSyncKind CleanupSync { get; init; } = CleanupSyncKind.Normal;

    /// <summary>
    /// When synchronize_net() is expedited: with RTNL held (net/core/dev.c), or also when called from the
    /// cleanup_net task (<c>from_cleanup_net()</c>, 0734d7c3d93c) — pernet exit syncs included.
    /// </summary>
    public SynchronizeNetExpedited SynchronizeNetExpedited { get; init; } = SynchronizeNetExpedited.RtnlHeld;

    /// <summary>
    /// RTNL dropped around the syncs and backlog flush of unregister rounds in the cleanup path (83419b61d187,
    /// ae646f1a0bb9, cfa579f66656; reverted by e759e1e4a4bd, Jan 2025: no shipped era has it).
    /// </summary>
    public bool RtnlDropAroundWaits { get; init; }

    /// <summary>per_net (O(D×N×I)) or batched (one pass over live nets, 7.0, 7acee67a6bce).</summary>
    public NsidRemovalKind NsidRemoval { get; init; } = NsidRemovalKind.PerNet;

    /// <summary><c>default_device_exit</c> runs once per dying net (≤5.17); otherwise folded into the batch.</summary>
    public bool DefaultDeviceExitPerNet { get; init; } = true;

    /// <summary><c>exit_batch_rtnl</c>: converted drivers share one RTNL hold and one unregister round (6.9).</summary>
    public bool ExitBatchRtnl { get; init; }

    /// <summary>
    /// RTNL round trips per device in netdev_run_todo: 1 (≤5.x, <c>dev_net(dev)-&gt;dev_unreg_count--</c> under
    /// rtnl_lock) or 0 once dev_unreg_count is an atomic (6.x: <c>atomic_dec_and_test(&amp;dev_unreg_count)</c>).
    /// </summary>
    public int TodoRtnlRoundTrips { get; init; } = 1;

    /// <summary>
    /// The order netdev_run_todo frees devices: serially, each waiting for its own references (≤5.x,
    /// netdev_wait_allrefs), or whichever device's references drop first (6.x, <c>netdev_wait_allrefs_any</c>).
    /// </summary>
    public TodoFreeOrder TodoFreeOrder { get; init; } = TodoFreeOrder.Serial;

    /// <summary>
    /// addrconf_ifdown's address walk: the global <c>inet6_addr_lst</c> hash, O(all IPv6 addresses on the host) per
    /// device (≤5.17), or the netns's own hash (5.18, merge 4caaf75888d8). Costed by
    /// <see cref="CoreCosts.Inet6AddrWalkPerAddressNs"/>.
    /// </summary>
    public Inet6AddrHash Inet6AddrHash { get; init; } = Inet6AddrHash.Global;

    /// <summary>
    /// When <c>struct net</c> itself returns to <c>net_cachep</c>: at the end of its own cleanup_net run, or one run
    /// later (6.13, 0f6ede9fbc74 "net: defer final 'struct net' free in netns dismantle": net/core/net_namespace.c
    /// <c>net_passive_dec</c> puts it on <c>defer_free_list</c>, <c>net_complete_free()</c> frees that list after the
    /// next run's <c>rcu_barrier()</c>). Sized by <see cref="MemorySpec.StructNetBytes"/>.
    /// </summary>
    public NetFinalFree NetFinalFree { get; init; } = NetFinalFree.Immediate;

    /// <summary>
    /// Which CPUs flush_all_backlogs (net/core/dev.c) queues a <c>flush_backlog</c> work item on and waits for: every
    /// online CPU (≤5.9, costed by <see cref="CoreCosts.FlushBacklogPerCpuNs"/>), or only those whose backlog
    /// (<c>input_pkt_queue</c>, <c>process_queue</c>) is not empty, checked by <c>flush_required(cpu)</c> (5.10,
    /// 2de79ee27fdb "net: try to avoid unneeded backlog flush", Abeni). The model carries no packets, so from 5.10
    /// no CPU needs a work item and only the check is paid (<see cref="CoreCosts.FlushRequiredPerCpuNs"/>).
    /// </summary>
    public FlushAllBacklogsKind FlushAllBacklogs { get; init; } = FlushAllBacklogsKind.EveryOnlineCpu;

    /// <summary>
    /// How <c>kernfs_put</c> (fs/kernfs/dir.c) frees a removed sysfs node: at once (≤6.8), or with
    /// <c>call_rcu(&amp;kn-&gt;rcu, kernfs_free_rcu)</c> (6.9, 4207b556e62f "kernfs: RCU protect kernfs_nodes and avoid
    /// kernfs_idr_lock in kernfs_find_and_get_node_by_id()", Heo). With <c>rcu</c> every node device_del and the queue
    /// kobjects remove (<see cref="DeviceTypeSpec.SysfsNodes"/>…) is a callback run in rcu_core/rcu_do_batch
    /// (<see cref="CoreCosts.KernfsFreeRcuNs"/>) that netdev_run_todo's and cleanup_net's rcu_barrier wait for.
    /// </summary>
    public KernfsNodeFree KernfsNodeFree { get; init; } = KernfsNodeFree.Immediate;

    /// <summary>
    /// The kernel's preemption model, from its config (and, with CONFIG_PREEMPT_DYNAMIC, the <c>preempt=</c> boot
    /// parameter; none given → the config's default; 826bfeb37bb4 "preempt/dynamic: Support dynamic preempt with
    /// preempt= boot option": none keeps cond_resched, no-ops might_resched and irq-exit preemption): <c>voluntary</c> (the eras' model) lets a running thread give its
    /// CPU to a waiting one at every step boundary once its slice is over; <c>none</c> (CONFIG_PREEMPT_NONE) only at the
    /// kernel's <c>cond_resched()</c> calls the model has — after every <c>ops->exit(net)</c> in ops_exit_list
    /// (net/core/net_namespace.c), after every work item in process_one_work (kernel/workqueue.c), a process's return
    /// to user mode — and when it sleeps, so cleanup_net's kworker keeps its CPU through the whole device round
    /// (default_device_exit_batch → unregister_netdevice_many: no cond_resched between its synchronize_net sleeps).
    /// </summary>
    public PreemptionModel Preemption { get; init; } = PreemptionModel.Voluntary;
}

/// <summary>The lock setup_net and cleanup_net take.</summary>
[JsonConverter(typeof(ProfileEnumConverter<SetupLockKind>))]
public enum SetupLockKind
{
    /// <summary>net_mutex.</summary>
    Exclusive,

    /// <summary>pernet_ops_rwsem, for read.</summary>
    Shared,
}

/// <summary>How cleanup_list is kept.</summary>
[JsonConverter(typeof(ProfileEnumConverter<CleanupListKind>))]
public enum CleanupListKind
{
    Spinlock,
    Llist,
}

/// <summary>Which uevent sockets a device uevent visits by default.</summary>
[JsonConverter(typeof(ProfileEnumConverter<UeventDeliveryKind>))]
public enum UeventDeliveryKind
{
    AllSockets,
    OwningNetns,
}

/// <summary>The KOBJ_REMOVE uevents of a device whose netns is dying.</summary>
[JsonConverter(typeof(ProfileEnumConverter<DyingNetnsUevents>))]
public enum DyingNetnsUevents
{
    Sent,
    Suppressed,
}

/// <summary>The lock that protects net_namespace_list.</summary>
[JsonConverter(typeof(ProfileEnumConverter<NetListLockKind>))]
public enum NetListLockKind
{
    Rtnl,
    NetRwsem,
}

/// <summary>The lock unhash_nsid runs under.</summary>
[JsonConverter(typeof(ProfileEnumConverter<NsidUnhashLock>))]
public enum NsidUnhashLock
{
    UnderListLock,
    NsidLockOnly,
}

/// <summary>The kind of cleanup_net's grace period after unlinking.</summary>
[JsonConverter(typeof(ProfileEnumConverter<CleanupSyncKind>))]
public enum CleanupSyncKind
{
    Normal,
    Expedited,
}

/// <summary>When synchronize_net() uses an expedited grace period.</summary>
[JsonConverter(typeof(ProfileEnumConverter<SynchronizeNetExpedited>))]
public enum SynchronizeNetExpedited
{
    RtnlHeld,
    RtnlHeldOrCleanupNet,
}

/// <summary>How cleanup_net removes nsids.</summary>
[JsonConverter(typeof(ProfileEnumConverter<NsidRemovalKind>))]
public enum NsidRemovalKind
{
    PerNet,
    Batched,
}

/// <summary>The order netdev_run_todo frees the devices of a round.</summary>
[JsonConverter(typeof(ProfileEnumConverter<TodoFreeOrder>))]
public enum TodoFreeOrder
{
    Serial,
    AnyOrder,
}

/// <summary>Which hash addrconf_ifdown walks for a device's addresses.</summary>
[JsonConverter(typeof(ProfileEnumConverter<Inet6AddrHash>))]
public enum Inet6AddrHash
{
    Global,
    PerNetns,
}

/// <summary>The CPUs flush_all_backlogs queues work on.</summary>
[JsonConverter(typeof(ProfileEnumConverter<FlushAllBacklogsKind>))]
public enum FlushAllBacklogsKind
{
    EveryOnlineCpu,
    CpusWithBacklog,
}

/// <summary>When a running kernel thread can be made to give its CPU to a waiting one (<see cref="StructureSpec.Preemption"/>).</summary>
[JsonConverter(typeof(ProfileEnumConverter<PreemptionModel>))]
public enum PreemptionModel
{
    /// <summary>At every step boundary once the slice is over (cond_resched and might_resched everywhere).</summary>
    Voluntary,

    /// <summary>Only at cond_resched() and sleeps (CONFIG_PREEMPT_NONE; PREEMPT_DYNAMIC with preempt=none).</summary>
    None,
}

/// <summary>How a removed kernfs node is freed.</summary>
[JsonConverter(typeof(ProfileEnumConverter<KernfsNodeFree>))]
public enum KernfsNodeFree
{
    Immediate,
    Rcu,
}

/// <summary>When the last passive reference frees <c>struct net</c>.</summary>
[JsonConverter(typeof(ProfileEnumConverter<NetFinalFree>))]
public enum NetFinalFree
{
    Immediate,
    AfterNextCleanup,
}

/// <summary>What a pernet operation does beyond its costs.</summary>
[JsonConverter(typeof(ProfileEnumConverter<PernetOpBehaviour>))]
public enum PernetOpBehaviour
{
    Plain,

    /// <summary>Registers lo (loopback_net_init).</summary>
    Loopback,

    /// <summary>default_device_exit[_batch].</summary>
    DefaultDevice,

    /// <summary>The netns's uevent socket.</summary>
    Uevent,

    /// <summary>Owns the fallback device of a tunnel module.</summary>
    Tunnel,
}

/// <summary>How a tunnel driver dismantles its fallback devices.</summary>
[JsonConverter(typeof(ProfileEnumConverter<TunnelTeardownKind>))]
public enum TunnelTeardownKind
{
    /// <summary>exit per net (4.9).</summary>
    PerNet,

    /// <summary>exit_batch (bb401caefe9d).</summary>
    PerBatch,

    /// <summary>exit_batch_rtnl (6.9, fd4f101edbd9).</summary>
    BatchRtnl,
}

/// <summary>What a pernet exit's grace-period wait calls.</summary>
[JsonConverter(typeof(ProfileEnumConverter<ExitSyncCall>))]
public enum ExitSyncCall
{
    /// <summary>synchronize_net(): expedited under RTNL (or from cleanup_net, 0734d7c3d93c).</summary>
    SynchronizeNet,

    /// <summary>synchronize_rcu().</summary>
    SynchronizeRcu,

    /// <summary>synchronize_rcu_expedited() (nf_conntrack_cleanup_net_list since 6.9, 1ebb85f9c03d).</summary>
    SynchronizeRcuExpedited,
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
    /// <summary>
    /// flush_all_backlogs per online CPU (≤5.9), paid by the caller: queue_work_on and flush_work, and the work itself
    /// unless <see cref="FlushBacklogWorkNs"/> models it apart.
    /// </summary>
    public long FlushBacklogPerCpuNs { get; init; }

    /// <summary>
    /// ≤5.9 (<c>every_online_cpu</c>): the <c>flush_backlog</c> work item on each online CPU (the highpri kworker's
    /// wakeup and the work), run on that CPU — on a busy one only when its thread reaches a scheduling point — while
    /// the caller waits in flush_work (net/core/dev.c <c>flush_all_backlogs</c>: <c>queue_work_on(cpu,
    /// system_highpri_wq, …)</c> for each online CPU, then <c>flush_work</c> for each). 0: not modelled apart.
    /// </summary>
    public long FlushBacklogWorkNs { get; init; }
    /// <summary>
    /// flush_all_backlogs from 5.10 (2de79ee27fdb): <c>flush_required(cpu)</c> per online CPU (backlog lock with irqs
    /// off, two queue-empty tests) when no CPU needs a work item.
    /// </summary>
    public long FlushRequiredPerCpuNs { get; init; }
    /// <summary>NETDEV_UNREGISTER notifier chain (routes, addresses, neighbours, multicast).</summary>
    public long DeviceNotifierNs { get; init; }
    /// <summary>RTM_DELLINK + address-list flush.</summary>
    public long DeviceDellinkNs { get; init; }
    /// <summary>
    /// Removing one kobject from sysfs, without its uevent: with <see cref="DeviceTypeSpec.SysfsNodes"/> set, the
    /// kobject's own part (kobject_del, klist, pm) only; otherwise everything device_del does for it.
    /// </summary>
    public long KobjectRemoveNs { get; init; }

    /// <summary>
    /// Removing one kernfs node (an attribute file, symlink or directory) in device_del's attribute-group removal
    /// (<c>device_remove_attrs</c>, <c>sysfs_remove_groups</c>, <c>dpm_sysfs_remove</c>,
    /// <c>device_remove_class_symlinks</c>: <c>kernfs_remove_by_name_ns</c> → <c>kernfs_find_ns</c>,
    /// <c>__kernfs_remove</c>, <c>kernfs_put</c>) or a queue kobject's; the free itself is
    /// <see cref="KernfsFreeRcuNs"/> when <see cref="StructureSpec.KernfsNodeFree"/> is <c>rcu</c>.
    /// </summary>
    public long SysfsNodeRemoveNs { get; init; }

    /// <summary>kernfs_free_rcu: one removed node freed by its RCU callback (name, iattrs, the node's slab object).</summary>
    public long KernfsFreeRcuNs { get; init; }
    public long KobjectAddNs { get; init; }
    public long TodoPerDeviceNs { get; init; }
    public long DeviceFreeNs { get; init; }
    public long DeviceRegisterNs { get; init; }
    /// <summary>Moving a physical device to the init netns, besides its syncs and uevents.</summary>
    public long DeviceMoveNs { get; init; }

    /// <summary>
    /// RCU callbacks one device's unregistration queues (in_device and inet6_dev freed with call_rcu, dst entries,
    /// neighbour entries): rcu_barrier in netdev_run_todo and cleanup_net waits for them.
    /// </summary>
    public int DeviceRcuCallbacks { get; init; }

    /// <summary>Running one of those callbacks.</summary>
    public long DeviceRcuCallbackNs { get; init; }

    /// <summary>addrconf_ifdown with a global inet6_addr_lst: per IPv6 address on the host visited per device.</summary>
    public long Inet6AddrWalkPerAddressNs { get; init; }
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

    /// <summary>
    /// On a kernel without preemptible RCU, the chance that an expedited GP's IPI finds another CPU's running thread
    /// with preemption or softirqs disabled: rcu_exp_handler (kernel/rcu/tree_exp.h) then cannot report that CPU's
    /// quiescent state and sets need-resched, so the state comes at the thread's next context switch — in the model,
    /// the end of its current step (the engine's cond_resched points). 0 (the default): every busy CPU reports at the
    /// IPI, as before. On this VM (preemptible RCU) only with <see cref="ExpeditedQsTickOnCleanupWorker"/>: host-6.18
    /// sets 0.54, traced, not fitted (docs/calibration.md, twelfth and thirteenth rounds).
    /// </summary>
    public double ExpeditedQsDeferProbability { get; init; }

    /// <summary>
    /// Where a deferred expedited quiescent state (<see cref="ExpeditedQsDeferProbability"/>) comes, and on which thread:
    /// with <c>true</c>, only the cleanup_net worker defers (any other thread reports within its step, as preemptible
    /// RCU does at its next preempt_enable or rcu_read_unlock) and its owed state comes at that CPU's next scheduler
    /// tick rather than at the end of its step. Traced on this VM's 6.18 (CONFIG_PREEMPT_RCU=y, dynamic preemption none;
    /// docs/calibration.md, twelfth and thirteenth rounds): rcu_exp_handler (kernel/rcu/tree_exp.h) finding the worker
    /// with preemption or softirqs disabled sets need-resched, which preempt_enable does not act on in the none mode, so
    /// the state is reported by the tick (rcu_flavor_sched_clock_irq → rcu_qs) or the worker's next sleep, in whichever
    /// phase of cleanup_net the worker is: the trace counts 408 deferrals of 753 IPIs on the worker without telling its
    /// RTNL phases apart, and the release's umounts meet the worker mostly outside RTNL (thirteenth round).
    /// False (the default): step ends only, on every busy CPU.
    /// </summary>
    public bool ExpeditedQsTickOnCleanupWorker { get; init; }
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

    /// <summary>
    /// The <c>struct net</c> object (the <c>net_namespace</c> slab's object size), part of <see cref="NetBaseBytes"/>:
    /// the part held until the next cleanup_net run when <see cref="StructureSpec.NetFinalFree"/> is
    /// <c>after_next_cleanup</c>.
    /// </summary>
    public long StructNetBytes { get; init; }
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

    /// <summary>
    /// kernfs nodes device_del removes for one device of this type, queues apart (net/core/net-sysfs.c
    /// <c>net_class_attrs</c>, the <c>statistics</c> group, drivers/base: the <c>uevent</c> file, the <c>power</c>
    /// group, class symlinks, the device's and its groups' directories); 0: not modelled apart (all of it in
    /// <see cref="CoreCosts.KobjectRemoveNs"/>).
    /// </summary>
    public int SysfsNodes { get; init; }

    /// <summary>
    /// Of <see cref="SysfsNodes"/>, those device_del does not remove through <c>sysfs_remove_groups</c>
    /// (drivers/base/core.c <c>device_remove_attrs</c>: the class's and the device's attribute groups, net_class_attrs
    /// and statistics): the <c>uevent</c> file (<c>device_remove_file</c>), the <c>power</c> group
    /// (<c>dpm_sysfs_remove</c>), the subsystem and /sys/class/net links (<c>device_remove_class_symlinks</c>), the
    /// device's directory (<c>kobject_del</c>) and the queues kset (net-sysfs.c <c>kset_unregister</c> in
    /// netdev_unregister_kobject). Charged to device_del itself; the rest to sysfs_remove_groups. 0: all in
    /// sysfs_remove_groups.
    /// </summary>
    public int DeviceDelSysfsNodes { get; init; }

    /// <summary>kernfs nodes of one rx-N queue kobject (its directory, <c>rx_queue_default_attrs</c>).</summary>
    public int RxQueueSysfsNodes { get; init; }

    /// <summary>kernfs nodes of one tx-N queue kobject (its directory, <c>netdev_queue_default_attrs</c>, byte_queue_limits).</summary>
    public int TxQueueSysfsNodes { get; init; }
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
    public PernetOpBehaviour Behaviour { get; init; } = PernetOpBehaviour.Plain;

    /// <summary>For tunnel ops: the device type (module name) whose fallback device this op owns.</summary>
    public string? Device { get; init; }

    /// <summary>For tunnel ops: per_net (4.9 exit) or per_batch (exit_batch, bb401caefe9d) or batch_rtnl (6.9).</summary>
    public TunnelTeardownKind TunnelTeardown { get; init; } = TunnelTeardownKind.PerNet;

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

    /// <summary>What the exit's and exit_batch's grace-period waits call (default synchronize_net).</summary>
    public ExitSyncCall ExitSyncCall { get; init; } = ExitSyncCall.SynchronizeNet;
    /// <summary>call_rcu callbacks queued by the per-net exit.</summary>
    public int ExitCallRcu { get; init; }
    public long CallbackNs { get; init; }

    public long ExitBatchNs { get; init; }
    public long ExitBatchPerNetNs { get; init; }
    public bool ExitBatchTakesRtnl { get; init; }
    public int ExitBatchSyncs { get; init; }

    public long FreeNs { get; init; }
}

/// <summary>
/// Profile enums are written and read as snake_case strings by any serializer (the profile writer of calibration
/// included), not only by the loader's options.
/// </summary>
public sealed class ProfileEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
