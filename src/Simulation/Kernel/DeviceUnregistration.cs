using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// Device teardown (net/core/dev.c, net/core/net-sysfs.c): the device exits of the pernet ops
/// (<c>default_device_exit_batch</c>, a tunnel driver's exit), <c>unregister_netdevice_many</c> with its
/// <c>netdev_unregister_kobject</c>, and the todo list <c>netdev_run_todo</c> drains after <c>rtnl_unlock</c>.
/// It owns what that leaves behind: the devices that had to wait for their references, the "waiting for dev to
/// become free" warnings, the time spent waiting, and when the last host-side device left sysfs.
/// </summary>
internal sealed class DeviceUnregistration(KernelContext k, UeventBroadcast uevents, DeviceRegistration registration, NetRcu rcu)
{
    private readonly Stack<KobjectRemoveCall> _kobjectRemoves = new();
    private readonly Stack<QueueKobjectsCall> _queueKobjects = new();
    private readonly Stack<UnregisterManyCall> _unregisterManys = new();
    private readonly Stack<DefaultDeviceExitCall> _defaultDeviceExits = new();

    /// <summary>The random stream deciding which devices leak a reference (created on first use).</summary>
    private RandomStream? _leakRandom;

    private KernelContext Context => k;

    private UeventBroadcast Uevents => uevents;

    public long DevicesWaited { get; private set; }

    public long UnregisterWarnings { get; private set; }

    public long RefWaitNs { get; private set; }

    /// <summary>When device_del last removed a host-side device (/sys/class/net/&lt;peer&gt;), or -1.</summary>
    public long LastHostPeerGone { get; private set; } = -1;

    /// <summary>Host-side veth peers of the burst's nets still in sysfs (set at the burst's release).</summary>
    public int BurstHostPeersLeft { get; set; }

    /// <summary>How long after the burst's last host-side peer left the profile window closes; -1: it does not.</summary>
    public long ProfileAfterPeersGoneNs { get; set; } = -1;

    /// <summary>A tunnel driver's exit: RTNL, queue its fallback devices, one unregister round, RTNL release (runs the todo list).</summary>
    public IEnumerable<Step> TunnelExit(PernetOp op, ValueList<Net> nets)
    {
        yield return Step.Lock(k.Locks.Rtnl);
        yield return Step.Self(k.Cpu(op.Spec.ExitNs * nets.Count));
        var kill = new ValueList<NetDevice>();
        foreach (var net in nets)
        {
            foreach (var dev in net.Devices)
            {
                if (dev.Kind == DeviceKind.Tunnel && dev.Type == op.TunnelDevice && !dev.Queued)
                {
                    dev.Queued = true;
                    kill.Add(dev);
                }
            }
        }

        yield return Step.Call(k.F.UnregisterNetdeviceMany, UnregisterMany(kill));
        yield return Step.Call(k.F.RtnlUnlock, RtnlUnlock(kill));
    }

    /// <summary>default_device_exit (≤5.17, once per dying net): RTNL round trip, physical devices moved back to init_net.</summary>
    /// <remarks>Pooled (<see cref="DefaultDeviceExitCall"/>): one per dying net up to 5.17.</remarks>
    public IEnumerable<Step> DefaultDeviceExit(PernetOp op, Net net) => DefaultDeviceExitCall.Rent(this, op, net);

    /// <summary>
    /// default_device_exit_batch: one RTNL hold for the batch; every device of every dying net (a veth's dellink also
    /// queues its peer, which may live in a live netns) on one kill list; one unregister_netdevice_many.
    /// </summary>
    public IEnumerable<Step> DefaultDeviceExitBatch(ValueList<Net> batch)
    {
        yield return Step.Lock(k.Locks.Rtnl);
        var kill = new ValueList<NetDevice>();
        foreach (var net in batch)
        {
            if (!k.Structure.DefaultDeviceExitPerNet)
            {
                // 5.18+: the physical-device moves are folded into the batch.
                foreach (var step in MovePhysicalDevicesHome(net))
                {
                    yield return step;
                }
            }

            for (var i = net.Devices.Count - 1; i >= 0; i--)
            {
                var dev = net.Devices[i];
                // Tunnel devices are gone already unless their driver joined this round (exit_batch_rtnl).
                if (dev.Queued)
                {
                    continue;
                }

                dev.Queued = true;
                kill.Add(dev);
                if (dev.Peer is { Queued: false } peer)
                {
                    peer.Queued = true;
                    kill.Add(peer);
                }
            }
        }

        yield return Step.Self(k.Cpu(200L * kill.Count));
        yield return Step.Call(k.F.UnregisterNetdeviceMany, UnregisterMany(kill));
        yield return Step.Call(k.F.RtnlUnlock, RtnlUnlock(kill));
    }

    /// <remarks>A net without physical devices (most) gets the empty sequence, not an iterator.</remarks>
    public IEnumerable<Step> MovePhysicalDevicesHome(Net net) =>
        net.Devices.Exists(d => d.Kind == DeviceKind.Physical) ? MovePhysicalDevices(net) : [];

    private IEnumerable<Step> MovePhysicalDevices(Net net)
    {
        foreach (var dev in net.Devices.Where(d => d.Kind == DeviceKind.Physical).ToArray())
        {
            yield return Step.Call(k.F.DevChangeNetNamespace, registration.DeviceMove(dev, k.InitNet));
        }
    }

    /// <summary>unregister_netdevice_many with RTNL held by the caller (pooled: <see cref="UnregisterManyCall"/>).</summary>
    public IEnumerable<Step> UnregisterMany(ValueList<NetDevice> devs) => UnregisterManyCall.Rent(this, devs);

    /// <summary>
    /// rollback_registered_many: close and unlist every device; flush per-CPU backlogs; synchronize_net (expedited
    /// with RTNL held); per device the NETDEV_UNREGISTER chain, RTM_DELLINK and netdev_unregister_kobject; a second
    /// synchronize_net before dropping references.
    /// </summary>
    private IEnumerable<Step> Rollback(ValueList<NetDevice> devs, RtnlScope scope)
    {
        yield return Step.Run(k.F.UnlistNetdevice, k.Cpu(k.Costs.DeviceUnlistNs * devs.Count));
        var unlisted = k.Rcu.Snapshot();
        foreach (var dev in devs)
        {
            dev.Unlisted = unlisted;
            MaybeLeakReference(dev);
            registration.Untrack(dev);
        }

        var drop = scope == RtnlScope.DropAroundWaits;
        var mode1 = k.Policy.DecideGracePeriod(SyncSite.UnregisterUnlist, "", !drop, rcu.SynchronizeNetDefault(!drop));
        var cookie = mode1 == GracePeriodMode.Overlapped ? k.Rcu.StartPoll() : 0;
        if (drop)
        {
            yield return Step.Unlock(k.Locks.Rtnl);
        }

        // flush_all_backlogs: a work item per online CPU (≤5.9); from 5.10 (2de79ee27fdb) only on CPUs with a backlog,
        // none here (no packets are modelled), leaving flush_required's check per CPU.
        var flushPerCpu = k.Structure.FlushAllBacklogs == FlushAllBacklogsKind.CpusWithBacklog ? k.Costs.FlushRequiredPerCpuNs : k.Costs.FlushBacklogPerCpuNs;
        yield return Step.Run(k.F.FlushAllBacklogs, k.Cpu(flushPerCpu * k.S.Cpus));
        if (k.Structure.FlushAllBacklogs == FlushAllBacklogsKind.EveryOnlineCpu && k.Costs.FlushBacklogWorkNs > 0)
        {
            // ≤5.9: flush_work on every online CPU's flush_backlog item; a busy CPU runs it only at its next
            // scheduling point, so the round (and RTNL, held here) waits for the slowest CPU.
            var done = k.S.RunWorkOnEachCpu(k.Cpu(k.Costs.FlushBacklogWorkNs), k.F.KworkerHighpri, k.F.FlushBacklog);
            if (done > k.S.Now)
            {
                yield return Step.Sleep(done - k.S.Now);
            }
        }
        foreach (var step in rcu.SynchronizeNet(mode1, cookie))
        {
            yield return step;
        }

        if (drop)
        {
            yield return Step.Lock(k.Locks.Rtnl);
        }

        var checkedOnce = false;
        foreach (var dev in devs)
        {
            if (!checkedOnce && !k.Rcu.Elapsed(dev.Unlisted))
            {
                checkedOnce = true;
                k.Violation(OracleRule.RcuSafety, dev.ToString(), $"device torn down (NETDEV_UNREGISTER) before a grace period after unlist_netdevice ({devs.Count} devices in the round)");
            }

            yield return Step.Run(k.F.NotifierUnregister, k.Cpu(k.Costs.DeviceNotifierNs + dev.Type.UnregisterExtraNs));
            if (k.Structure.Inet6AddrHash == Inet6AddrHash.Global && k.Costs.Inet6AddrWalkPerAddressNs > 0)
            {
                // addrconf_ifdown before 5.18: every bucket of the global inet6_addr_lst, every address on the host.
                yield return Step.Run(k.F.AddrconfIfdown, k.Cpu(k.Costs.Inet6AddrWalkPerAddressNs * Inet6Addresses()));
            }

            yield return Step.Run(k.F.Dellink, k.Cpu(k.Costs.DeviceDellinkNs));
            yield return Step.Call(k.F.NetdevUnregisterKobject, UnregisterKobject(dev));
        }

        if (k.Costs.DeviceRcuCallbacks > 0)
        {
            // The NETDEV_UNREGISTER notifiers free in_device and inet6_dev, dst and neighbour entries with call_rcu:
            // netdev_run_todo's and cleanup_net's rcu_barrier wait for these callbacks.
            var callbacks = k.Costs.DeviceRcuCallbacks * devs.Count;
            k.Rcu.CallRcu(callbacks, k.Cpu(callbacks * k.Costs.DeviceRcuCallbackNs));
            yield return Step.Run(k.F.CallRcu, k.Cpu(callbacks * k.Profile.Rcu.CallRcuNs));
        }

        var mode2 = k.Policy.DecideGracePeriod(SyncSite.UnregisterRelease, "", !drop, rcu.SynchronizeNetDefault(!drop));
        var torn = k.Rcu.Snapshot();
        cookie = mode2 == GracePeriodMode.Overlapped ? k.Rcu.StartPoll() : 0;
        if (drop)
        {
            yield return Step.Unlock(k.Locks.Rtnl);
        }

        foreach (var step in rcu.SynchronizeNet(mode2, cookie))
        {
            yield return step;
        }

        if (drop)
        {
            yield return Step.Lock(k.Locks.Rtnl);
        }

        foreach (var dev in devs)
        {
            dev.Unlisted = torn;
        }
    }

    /// <summary>
    /// netdev_unregister_kobject (net/core/net-sysfs.c, the same order from 2.6.3x to 7.0): remove_queue_kobjects — one
    /// kobject per rx and tx queue, each with its uevent — then device_del of the device's own kobject.
    /// </summary>
    private IEnumerable<Step> UnregisterKobject(NetDevice dev)
    {
        yield return Step.Call(k.F.RxQueueKobjects, QueueKobjects(dev, KobjectKind.RxQueue, dev.Type.RxQueues));
        yield return Step.Call(k.F.TxQueueKobjects, QueueKobjects(dev, KobjectKind.TxQueue, dev.Type.TxQueues));
        yield return Step.Call(k.F.DeviceDel, KobjectRemove(dev, KobjectKind.Device));
        if (dev.Owner == k.InitNet)
        {
            // device_del removed /sys/class/net/<peer>: what a host-side observer (netns-policy probe) sees.
            LastHostPeerGone = k.S.Now;
            if (dev.Peer is { Owner.FromBurst: true } && --BurstHostPeersLeft == 0 && ProfileAfterPeersGoneNs >= 0)
            {
                // The probe's perf recording stops this long after the last peer is gone (burst.profile_after_peers_gone_ms).
                k.S.Profiler.WindowEnd = k.S.Now + ProfileAfterPeersGoneNs;
            }
        }
    }

    /// <summary>
    /// net_rx_queue_update_kobjects / netdev_queue_update_kobjects down to 0: per queue its attribute groups
    /// (sysfs_remove_groups, when the profile counts the queue's nodes), then kobject_put (pooled:
    /// <see cref="QueueKobjectsCall"/>).
    /// </summary>
    private IEnumerable<Step> QueueKobjects(NetDevice dev, KobjectKind kind, int count) => QueueKobjectsCall.Rent(this, dev, kind, count);

    /// <summary>
    /// device_del / kobject_put of one kobject. From 4.10 (002d8a1a6c11) netdev_unregister_kobject and the rx/tx queue
    /// removal set <c>uevent_suppress</c> when the device's netns refcount is zero, so a dying net's devices send
    /// no KOBJ_REMOVE; devices of live nets (a veth peer in the host) still announce.
    /// </summary>
    /// <remarks>Pooled (<see cref="KobjectRemoveCall"/>; issue 16, churn allocations).</remarks>
    private IEnumerable<Step> KobjectRemove(NetDevice dev, KobjectKind kind) => KobjectRemoveCall.Rent(this, dev, kind);

    /// <summary>
    /// Removing <paramref name="nodes"/> kernfs nodes: kernfs_remove_by_name_ns per attribute, symlink and directory
    /// (the call_rcu enqueue of 6.9's kernfs_put included).
    /// </summary>
    private long SysfsRemoveCost(int nodes) => k.Cpu(nodes * k.Costs.SysfsNodeRemoveNs);

    /// <summary>
    /// The removed nodes' frees: at once in kernfs_put (≤6.8, part of the removal), or from 6.9 (4207b556e62f) each by
    /// call_rcu(kernfs_free_rcu), run later in rcu_core's rcu_do_batch, which the round's rcu_barrier in
    /// netdev_run_todo then waits for.
    /// </summary>
    private void FreeKernfsNodes(int nodes)
    {
        if (k.Structure.KernfsNodeFree == KernfsNodeFree.Rcu)
        {
            k.Rcu.CallRcu(nodes, k.Cpu(nodes * k.Costs.KernfsFreeRcuNs));
        }
    }

    /// <summary>rtnl_unlock: releases RTNL, then netdev_run_todo for the devices this round unregistered.</summary>
    /// <remarks>Fixed steps (releasing RTNL changes no todo list): a pooled sequence, not an iterator per call.</remarks>
    public IEnumerable<Step> RtnlUnlock(ValueList<NetDevice> todo) => todo.Count > 0
        ? k.S.Sequence(Step.Unlock(k.Locks.Rtnl), Step.Call(k.F.NetdevRunTodo, NetdevRunTodo(todo)))
        : k.S.One(Step.Unlock(k.Locks.Rtnl));

    /// <summary>
    /// netdev_run_todo: one rcu_barrier for the round, then per device: wait for its references to drop, the RTNL
    /// round trips of <c>dev_unreg_count</c> (≤5.x; none once it is an atomic), free. Serially up to 5.x; from 6.x
    /// (<c>netdev_wait_allrefs_any</c>) whichever device is ready first, so a leaked reference delays only its own
    /// device.
    /// </summary>
    private IEnumerable<Step> NetdevRunTodo(ValueList<NetDevice> todo)
    {
        var start = k.S.Now;
        yield return Step.Call(k.F.RcuBarrier, rcu.Barrier());
        rcu.AddBarrierWait(k.S.Now - start);
        var order = todo;
        if (k.Structure.TodoFreeOrder == TodoFreeOrder.AnyOrder)
        {
            // Stable: devices whose references are gone first, in list order; then by release time.
            order = [.. todo.OrderBy(d => Math.Max(d.RefsReleasedAt, 0))];
        }

        foreach (var dev in order)
        {
            yield return Step.Run(k.F.NetdevWaitAllrefs, k.Cpu(k.Costs.TodoPerDeviceNs));
            if (dev.RefsReleasedAt > k.S.Now)
            {
                yield return Step.Call(k.F.NetdevWaitAllrefs, WaitAllrefs(dev));
            }

            for (var j = 0; j < k.Structure.TodoRtnlRoundTrips; j++)
            {
                yield return Step.Lock(k.Locks.Rtnl);
                yield return Step.Run(k.F.RtnlLock, k.Cpu(k.Costs.RtnlRoundTripNs));
                yield return Step.Unlock(k.Locks.Rtnl);
            }

            if (!k.Rcu.Elapsed(dev.Unlisted))
            {
                k.Violation(OracleRule.RcuSafety, dev.ToString(), "device freed before a grace period after its teardown");
            }

            yield return Step.Run(k.F.DeviceFree, k.Cpu(k.Costs.DeviceFreeNs));
            dev.Unregistered = true;
            if (dev.Type.Bytes > 0)
            {
                k.Accounting.ChargeMemory(-dev.Type.Bytes);
            }
        }
    }

    /// <summary>
    /// netdev_wait_allrefs: while references remain, sleep (250 ms quanta, or backing off from 1 ms since 2020),
    /// rebroadcast NETDEV_UNREGISTER every second under RTNL, warn every 10 s ("waiting for lo to become free").
    /// Devices are freed serially, so one leaked reference delays every device behind it.
    /// </summary>
    private IEnumerable<Step> WaitAllrefs(NetDevice dev)
    {
        var start = k.S.Now;
        var lastRebroadcast = start;
        var lastWarning = start;
        var sleep = k.Costs.WaitAllrefsBackoff ? 1_000_000L : k.Costs.WaitAllrefsQuantumNs;
        DevicesWaited++;
        while (dev.RefsReleasedAt > k.S.Now)
        {
            if (k.S.Now - lastRebroadcast >= 1_000_000_000)
            {
                lastRebroadcast = k.S.Now;
                yield return Step.Lock(k.Locks.Rtnl);
                yield return Step.Run(k.F.NotifierUnregister, k.Cpu(k.Costs.DeviceNotifierNs));
                yield return Step.Unlock(k.Locks.Rtnl);
            }

            if (k.S.Now - lastWarning >= 10_000_000_000)
            {
                lastWarning = k.S.Now;
                UnregisterWarnings++;
            }

            yield return Step.Sleep(sleep);
            sleep = Math.Min(sleep * 2, k.Costs.WaitAllrefsQuantumNs);
        }

        RefWaitNs += k.S.Now - start;
    }

    /// <summary>Marks the devices that keep a reference after unregistration (workload: machine.leaked_references).</summary>
    private void MaybeLeakReference(NetDevice dev)
    {
        var leaks = k.Machine.LeakedReferences;
        if (leaks.Fraction <= 0)
        {
            return;
        }

        _leakRandom ??= k.Stream(StreamIds.Leaks);
        if (_leakRandom.NextDouble() < leaks.Fraction)
        {
            dev.RefsReleasedAt = k.S.Now + Ms(leaks.HoldMs);
        }
    }

    /// <summary>IPv6 addresses on the host: the workload configures none beyond what lo and the devices get down.</summary>
    private long Inet6Addresses() => (long)k.Accounting.Allocated * k.Machine.Ipv6AddressesPerNetns;

    private static long Ms(double ms) => (long)Math.Round(ms * 1e6);

    /// <summary>
    /// <see cref="KobjectRemove"/> by hand: its CPU, then the KOBJ_REMOVE uevent, suppressed or not as the device's
    /// netns is dying at that step (as the iterator decided it). Byte-identical results.
    /// </summary>
    private sealed class KobjectRemoveCall : PooledCoroutine<KobjectRemoveCall>
    {
        private readonly DeviceUnregistration _owner;
        private NetDevice _dev;
        private KobjectKind _kind;
        private int _state;

        private KobjectRemoveCall(DeviceUnregistration owner)
            : base(owner._kobjectRemoves) => _owner = owner;

        public static KobjectRemoveCall Rent(DeviceUnregistration owner, NetDevice dev, KobjectKind kind)
        {
            var e = owner._kobjectRemoves.Count > 0 ? owner._kobjectRemoves.Pop() : new KobjectRemoveCall(owner);
            e._dev = dev;
            e._kind = kind;
            e._state = 0;
            return e.Begin();
        }

        public override bool MoveNext()
        {
            var k = _owner.Context;
            switch (_state)
            {
                case 0:
                    _state = 1;
                    // device_del's own nodes (the uevent file, dpm_sysfs_remove's power group, the class symlinks, the
                    // directory: DeviceTypeSpec.DeviceDelSysfsNodes) in its own frame; a queue kobject has none apart.
                    var own = _kind == KobjectKind.Device ? _dev.Type.DeviceDelSysfsNodes : 0;
                    return Yield(Step.Self(k.Cpu(k.Costs.KobjectRemoveNs + (own * k.Costs.SysfsNodeRemoveNs))));
                case 1:
                    if (_kind == KobjectKind.Device && _dev.Type.SysfsNodes > _dev.Type.DeviceDelSysfsNodes)
                    {
                        // device_del → device_remove_attrs: the class's and the device's attribute groups, before KOBJ_REMOVE.
                        _state = 2;
                        return Yield(Step.Run(k.F.SysfsRemoveGroups, _owner.SysfsRemoveCost(_dev.Type.SysfsNodes - _dev.Type.DeviceDelSysfsNodes)));
                    }

                    if (_kind == KobjectKind.Device && _dev.Type.SysfsNodes > 0)
                    {
                        // Every node device_del's own frame removed.
                        _owner.FreeKernfsNodes(_dev.Type.SysfsNodes);
                    }

                    return Uevent(k);
                case 2:
                    _owner.FreeKernfsNodes(_dev.Type.SysfsNodes);
                    return Uevent(k);
                default:
                    return false;
            }
        }

        private bool Uevent(KernelContext k)
        {
            _state = 3;
            var suppressed = k.Structure.DyingNetnsUevents == DyingNetnsUevents.Suppressed && _dev.Owner.IsDying;
            return Yield(Step.Call(k.F.KobjectUevent, _owner.Uevents.KobjectUevent(_dev, _kind, UeventAction.Remove, suppressed ? UeventEmission.Suppress : UeventEmission.Send)));
        }

        protected override void Clear()
        {
            _dev = default;
            _state = 3;
        }
    }

    /// <summary><see cref="QueueKobjects"/> by hand: per queue its attribute groups' removal, then one kobject_put (a <see cref="KobjectRemove"/>).</summary>
    private sealed class QueueKobjectsCall : PooledCoroutine<QueueKobjectsCall>
    {
        private readonly DeviceUnregistration _owner;
        private NetDevice _dev;
        private KobjectKind _kind;
        private int _count;
        private int _next;
        private int _nodes;
        private bool _removingGroups;

        private QueueKobjectsCall(DeviceUnregistration owner)
            : base(owner._queueKobjects) => _owner = owner;

        public static QueueKobjectsCall Rent(DeviceUnregistration owner, NetDevice dev, KobjectKind kind, int count)
        {
            var e = owner._queueKobjects.Count > 0 ? owner._queueKobjects.Pop() : new QueueKobjectsCall(owner);
            e._dev = dev;
            e._kind = kind;
            e._count = count;
            e._next = 0;
            e._nodes = kind == KobjectKind.RxQueue ? dev.Type.RxQueueSysfsNodes : dev.Type.TxQueueSysfsNodes;
            e._removingGroups = false;
            return e.Begin();
        }

        public override bool MoveNext()
        {
            var k = _owner.Context;
            if (_removingGroups)
            {
                // The queue's attribute groups are gone: free their nodes, then its kobject_put.
                _removingGroups = false;
                _owner.FreeKernfsNodes(_nodes);
            }
            else
            {
                if (_next >= _count)
                {
                    return false;
                }

                if (_nodes > 0)
                {
                    _removingGroups = true;
                    return Yield(Step.Run(k.F.SysfsRemoveGroups, _owner.SysfsRemoveCost(_nodes)));
                }
            }

            _next++;
            return Yield(Step.Call(k.F.KobjectPut, _owner.KobjectRemove(_dev, _kind)));
        }

        protected override void Clear()
        {
            _dev = default;
            _removingGroups = false;
            _next = _count;
        }
    }

    /// <summary>
    /// <see cref="UnregisterMany"/> by hand: nothing for an empty list; else the policy's RTNL scope, decided at its
    /// first step as the iterator decided it, then rollback_registered_many.
    /// </summary>
    private sealed class UnregisterManyCall : PooledCoroutine<UnregisterManyCall>
    {
        private readonly DeviceUnregistration _owner;
        private ValueList<NetDevice> _devs = null!;
        private bool _started;

        private UnregisterManyCall(DeviceUnregistration owner)
            : base(owner._unregisterManys) => _owner = owner;

        public static UnregisterManyCall Rent(DeviceUnregistration owner, ValueList<NetDevice> devs)
        {
            var e = owner._unregisterManys.Count > 0 ? owner._unregisterManys.Pop() : new UnregisterManyCall(owner);
            e._devs = devs;
            e._started = false;
            return e.Begin();
        }

        public override bool MoveNext()
        {
            if (_started || _devs.Count == 0)
            {
                return false;
            }

            _started = true;
            var k = _owner.Context;
            var scope = k.Policy.DecideRtnlScope(_devs.Count, k.Structure.RtnlDropAroundWaits ? RtnlScope.DropAroundWaits : RtnlScope.HoldAcrossPhase);
            return Yield(Step.Call(k.F.RollbackRegisteredMany, _owner.Rollback(_devs, scope)));
        }

        protected override void Clear()
        {
            _devs = null!;
            _started = true;
        }
    }

    /// <summary>
    /// <see cref="DefaultDeviceExit"/> by hand: RTNL, the op's work, the steps of <see cref="MovePhysicalDevicesHome"/>
    /// (asked for once RTNL is held and the work done, as the iterator asked), RTNL released.
    /// </summary>
    private sealed class DefaultDeviceExitCall : PooledCoroutine<DefaultDeviceExitCall>
    {
        private readonly DeviceUnregistration _owner;
        private PernetOp _op = null!;
        private Net _net;
        private IEnumerator<Step>? _moves;
        private int _state;

        private DefaultDeviceExitCall(DeviceUnregistration owner)
            : base(owner._defaultDeviceExits) => _owner = owner;

        public static DefaultDeviceExitCall Rent(DeviceUnregistration owner, PernetOp op, Net net)
        {
            var e = owner._defaultDeviceExits.Count > 0 ? owner._defaultDeviceExits.Pop() : new DefaultDeviceExitCall(owner);
            e._op = op;
            e._net = net;
            e._state = 0;
            return e.Begin();
        }

        public override bool MoveNext()
        {
            var k = _owner.Context;
            switch (_state)
            {
                case 0:
                    _state = 1;
                    return Yield(Step.Lock(k.Locks.Rtnl));
                case 1:
                    _state = 2;
                    return Yield(Step.Self(k.Cpu(_op.Spec.ExitNs)));
                case 2:
                    _moves ??= _owner.MovePhysicalDevicesHome(_net).GetEnumerator();
                    if (_moves.MoveNext())
                    {
                        return Yield(_moves.Current);
                    }

                    _moves.Dispose();
                    _moves = null;
                    _state = 3;
                    return Yield(Step.Unlock(k.Locks.Rtnl));
                default:
                    return false;
            }
        }

        protected override void Clear()
        {
            _moves?.Dispose();
            _moves = null;
            _op = null!;
            _net = default;
            _state = 3;
        }
    }
}
