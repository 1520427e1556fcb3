using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// Profiler ids of the simulated kernel functions, named as perf shows them. Interned once per run, after the pernet
/// ops' own names (the order the profiler numbers them in is part of a run's output).
/// </summary>
internal sealed class KernelFunctions(Profiler p)
{
    public int KworkerRoot { get; } = p.Func("kworker/u:netns");
    public int CleanupNet { get; } = p.Func("cleanup_net");
    public int CleanupListLock { get; } = p.Func("_raw_spin_lock_irq");
    public int UnlinkNets { get; } = p.Func("unhash_nsid");
    public int PeernetRemove { get; } = p.Func("__peernet2id");
    public int OpsPreExitList { get; } = p.Func("ops_pre_exit_list");
    public int OpsExitList { get; } = p.Func("ops_exit_list.isra.4");
    public int OpsFreeList { get; } = p.Func("ops_free_list");
    public int SynchronizeRcu { get; } = p.Func("synchronize_rcu");
    public int RcuBarrier { get; } = p.Func("rcu_barrier");
    public int NetDropNs { get; } = p.Func("net_drop_ns");
    public int PutNet { get; } = p.Func("__put_net");
    public int QueueWork { get; } = p.Func("queue_work_on");
    public int CopyNetNs { get; } = p.Func("copy_net_ns");
    public int NetAlloc { get; } = p.Func("net_alloc");
    public int SetupNet { get; } = p.Func("setup_net");
    public int LinkNet { get; } = p.Func("list_add_tail_rcu");
    public int ProcessRoot { get; } = p.Func("unshare");
    public int RtnlUserRoot { get; } = p.Func("rtnetlink_rcv_msg");
    public int RtnlUserWork { get; } = p.Func("rtnl_dump_ifinfo");
    public int RegisterNetdevice { get; } = p.Func("register_netdevice");
    public int KobjectAdd { get; } = p.Func("device_add");
    public int VethNewlink { get; } = p.Func("veth_newlink");
    public int DevChangeNetNamespace { get; } = p.Func("dev_change_net_namespace");
    public int UnregisterNetdeviceMany { get; } = p.Func("unregister_netdevice_many");
    public int RollbackRegisteredMany { get; } = p.Func("rollback_registered_many");
    public int UnlistNetdevice { get; } = p.Func("unlist_netdevice");
    public int FlushAllBacklogs { get; } = p.Func("flush_all_backlogs");
    public int SynchronizeNet { get; } = p.Func("synchronize_net");
    public int NotifierUnregister { get; } = p.Func("call_netdevice_notifiers_info");
    public int Dellink { get; } = p.Func("rtmsg_ifinfo_build_skb");
    public int NetdevUnregisterKobject { get; } = p.Func("netdev_unregister_kobject");
    public int DeviceDel { get; } = p.Func("device_del");
    public int RxQueueKobjects { get; } = p.Func("net_rx_queue_update_kobjects");
    public int TxQueueKobjects { get; } = p.Func("netdev_queue_update_kobjects");
    public int KobjectPut { get; } = p.Func("kobject_put");
    public int KobjectDel { get; } = p.Func("kobject_del");
    public int KobjectUevent { get; } = p.Func("kobject_uevent");
    public int UeventEnv { get; } = p.Func("kobject_uevent_env");
    public int UeventBroadcast { get; } = p.Func("netlink_broadcast_filtered");
    public int RtnlUnlock { get; } = p.Func("rtnl_unlock");
    public int NetdevRunTodo { get; } = p.Func("netdev_run_todo");
    public int NetdevWaitAllrefs { get; } = p.Func("netdev_wait_allrefs");
    public int DeviceFree { get; } = p.Func("netdev_freemem");
    public int DefaultDeviceExitBatch { get; } = p.Func("default_device_exit_batch");
    public int CallRcu { get; } = p.Func("call_rcu_sched");
    public int RtnlLock { get; } = p.Func("rtnl_lock");
    public int ListDelRcu { get; } = p.Func("list_del_rcu");
    public int AddrconfIfdown { get; } = p.Func("addrconf_ifdown");

    // Appended, not inserted: the ids above stay those of earlier builds.
    public int SysfsRemoveGroups { get; } = p.Func("sysfs_remove_groups");
    public int KworkerHighpri { get; } = p.Func("kworker/N:1H");
    public int FlushBacklog { get; } = p.Func("flush_backlog");

    /// <summary>Interned on first use only (a burst released by umount), so other runs number their functions as before.</summary>
    public int NamespaceUnlock => _namespaceUnlock ??= p.Func("namespace_unlock");

    private int? _namespaceUnlock;
}
