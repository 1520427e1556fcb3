using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>Device registration and teardown, sysfs kobjects and uevents (KERNEL-MODEL.md §3.1–3.3).</summary>
internal sealed partial class KernelSimulation
{

    /// <summary>A tunnel driver's exit: RTNL, queue its fallback devices, one unregister round, RTNL release (runs the todo list).</summary>
    private IEnumerable<Step> TunnelExit(PernetOp op, List<Net> nets)
    {
        yield return Step.Lock(_locks.Rtnl);
        yield return Step.Self(Cpu(op.Spec.ExitNs * nets.Count));
        var kill = new List<NetDevice>();
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

        yield return Step.Call(F.UnregisterNetdeviceMany, UnregisterMany(kill));
        yield return Step.Call(F.RtnlUnlock, RtnlUnlock(kill));
    }

    /// <summary>default_device_exit (≤5.17, once per dying net): RTNL round trip, physical devices moved back to init_net.</summary>
    private IEnumerable<Step> DefaultDeviceExit(PernetOp op, Net net)
    {
        yield return Step.Lock(_locks.Rtnl);
        yield return Step.Self(Cpu(op.Spec.ExitNs));
        foreach (var step in MovePhysicalDevicesHome(net))
        {
            yield return step;
        }

        yield return Step.Unlock(_locks.Rtnl);
    }

    /// <summary>
    /// default_device_exit_batch: one RTNL hold for the batch; every device of every dying net (a veth's dellink also
    /// queues its peer, which may live in a live netns) on one kill list; one unregister_netdevice_many.
    /// </summary>
    private IEnumerable<Step> DefaultDeviceExitBatch(List<Net> batch)
    {
        yield return Step.Lock(_locks.Rtnl);
        var kill = new List<NetDevice>();
        foreach (var net in batch)
        {
            if (!_structure.DefaultDeviceExitPerNet)
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

        yield return Step.Self(Cpu(200L * kill.Count));
        yield return Step.Call(F.UnregisterNetdeviceMany, UnregisterMany(kill));
        yield return Step.Call(F.RtnlUnlock, RtnlUnlock(kill));
    }

    private IEnumerable<Step> MovePhysicalDevicesHome(Net net)
    {
        if (!net.Devices.Exists(d => d.Kind == DeviceKind.Physical))
        {
            yield break;
        }

        foreach (var dev in net.Devices.Where(d => d.Kind == DeviceKind.Physical).ToArray())
        {
            yield return Step.Call(F.DevChangeNetNamespace, DeviceMove(dev, _initNet));
        }
    }

    /// <summary>unregister_netdevice_many with RTNL held by the caller.</summary>
    private IEnumerable<Step> UnregisterMany(List<NetDevice> devs)
    {
        if (devs.Count == 0)
        {
            yield break;
        }

        var scope = DecideRtnlScope(devs.Count, _structure.RtnlDropAroundWaits ? RtnlScope.DropAroundWaits : RtnlScope.HoldAcrossPhase);
        yield return Step.Call(F.RollbackRegisteredMany, Rollback(devs, scope));
    }

    /// <summary>
    /// rollback_registered_many: close and unlist every device; flush per-CPU backlogs; synchronize_net (expedited
    /// with RTNL held); per device the NETDEV_UNREGISTER chain, RTM_DELLINK and netdev_unregister_kobject; a second
    /// synchronize_net before dropping references.
    /// </summary>
    private IEnumerable<Step> Rollback(List<NetDevice> devs, RtnlScope scope)
    {
        yield return Step.Run(F.UnlistNetdevice, Cpu(_costs.DeviceUnlistNs * devs.Count));
        var unlisted = _rcu.Snapshot();
        foreach (var dev in devs)
        {
            dev.Unlisted = unlisted;
            MaybeLeakReference(dev);
            Untrack(dev);
        }

        var drop = scope == RtnlScope.DropAroundWaits;
        var mode1 = DecideGracePeriod(SyncSite.UnregisterUnlist, "", !drop, SynchronizeNetDefault(!drop));
        var cookie = mode1 == GracePeriodMode.Overlapped ? _rcu.StartPoll() : 0;
        if (drop)
        {
            yield return Step.Unlock(_locks.Rtnl);
        }

        // flush_all_backlogs: a work item per online CPU (≤5.9); from 5.10 (2de79ee27fdb) only on CPUs with a backlog,
        // none here (no packets are modelled), leaving flush_required's check per CPU.
        var flushPerCpu = _structure.FlushAllBacklogs == FlushAllBacklogsKind.CpusWithBacklog ? _costs.FlushRequiredPerCpuNs : _costs.FlushBacklogPerCpuNs;
        yield return Step.Run(F.FlushAllBacklogs, Cpu(flushPerCpu * _s.Cpus));
        foreach (var step in SynchronizeNet(mode1, cookie))
        {
            yield return step;
        }

        if (drop)
        {
            yield return Step.Lock(_locks.Rtnl);
        }

        var checkedOnce = false;
        foreach (var dev in devs)
        {
            if (!checkedOnce && !_rcu.Elapsed(dev.Unlisted))
            {
                checkedOnce = true;
                Violation(OracleRule.RcuSafety, dev.ToString(), $"device torn down (NETDEV_UNREGISTER) before a grace period after unlist_netdevice ({devs.Count} devices in the round)");
            }

            yield return Step.Run(F.NotifierUnregister, Cpu(_costs.DeviceNotifierNs + dev.Type.UnregisterExtraNs));
            if (_structure.Inet6AddrHash == Inet6AddrHash.Global && _costs.Inet6AddrWalkPerAddressNs > 0)
            {
                // addrconf_ifdown before 5.18: every bucket of the global inet6_addr_lst, every address on the host.
                yield return Step.Run(F.AddrconfIfdown, Cpu(_costs.Inet6AddrWalkPerAddressNs * Inet6Addresses()));
            }

            yield return Step.Run(F.Dellink, Cpu(_costs.DeviceDellinkNs));
            yield return Step.Call(F.NetdevUnregisterKobject, UnregisterKobject(dev));
        }

        if (_costs.DeviceRcuCallbacks > 0)
        {
            // The NETDEV_UNREGISTER notifiers free in_device and inet6_dev, dst and neighbour entries with call_rcu:
            // netdev_run_todo's and cleanup_net's rcu_barrier wait for these callbacks.
            var callbacks = _costs.DeviceRcuCallbacks * devs.Count;
            _rcu.CallRcu(callbacks, Cpu(callbacks * _costs.DeviceRcuCallbackNs));
            yield return Step.Run(F.CallRcu, Cpu(callbacks * _profile.Rcu.CallRcuNs));
        }

        var mode2 = DecideGracePeriod(SyncSite.UnregisterRelease, "", !drop, SynchronizeNetDefault(!drop));
        var torn = _rcu.Snapshot();
        cookie = mode2 == GracePeriodMode.Overlapped ? _rcu.StartPoll() : 0;
        if (drop)
        {
            yield return Step.Unlock(_locks.Rtnl);
        }

        foreach (var step in SynchronizeNet(mode2, cookie))
        {
            yield return step;
        }

        if (drop)
        {
            yield return Step.Lock(_locks.Rtnl);
        }

        foreach (var dev in devs)
        {
            dev.Unlisted = torn;
        }
    }

    /// <summary>synchronize_net: expedited when RTNL is held (or always from the cleanup thread, 6.14+).</summary>
    private GracePeriodMode SynchronizeNetDefault(bool rtnlHeld) =>
        rtnlHeld || _structure.SynchronizeNetExpedited == SynchronizeNetExpedited.RtnlHeldOrCleanupNet ? GracePeriodMode.Expedited : GracePeriodMode.Normal;

    private IEnumerable<Step> SynchronizeNet(GracePeriodMode mode, long cookie)
    {
        var start = _s.Now;
        var wait = mode == GracePeriodMode.Overlapped ? Step.CondSyncRcu(cookie) : SyncStep(mode);
        if (wait is { } w)
        {
            yield return Step.Call(F.SynchronizeNet, Wait(w));
        }

        _cleanupRcuWaitNs += _s.Now - start;
    }

    /// <summary>netdev_unregister_kobject: the device's kobject and one per rx and tx queue, each with its uevent.</summary>
    private IEnumerable<Step> UnregisterKobject(NetDevice dev)
    {
        yield return Step.Call(F.DeviceDel, KobjectRemove(dev, KobjectKind.Device));
        if (dev.Owner == _initNet)
        {
            // device_del removed /sys/class/net/<peer>: what a host-side observer (netns-policy probe) sees.
            _devices.LastHostPeerGone = _s.Now;
        }

        yield return Step.Call(F.RxQueueKobjects, QueueKobjects(dev, KobjectKind.RxQueue, dev.Type.RxQueues));
        yield return Step.Call(F.TxQueueKobjects, QueueKobjects(dev, KobjectKind.TxQueue, dev.Type.TxQueues));
    }

    private IEnumerable<Step> QueueKobjects(NetDevice dev, KobjectKind kind, int count)
    {
        for (var q = 0; q < count; q++)
        {
            yield return Step.Call(F.KobjectPut, KobjectRemove(dev, kind));
        }
    }

    /// <summary>
    /// device_del / kobject_put of one kobject. From 4.10 (002d8a1a6c11) netdev_unregister_kobject and the rx/tx queue
    /// removal set <c>uevent_suppress</c> when the device's netns refcount is zero, so a dying net's devices send
    /// no KOBJ_REMOVE; devices of live nets (a veth peer in the host) still announce.
    /// </summary>
    private IEnumerable<Step> KobjectRemove(NetDevice dev, KobjectKind kind)
    {
        yield return Step.Self(Cpu(_costs.KobjectRemoveNs));
        var suppressed = _structure.DyingNetnsUevents == DyingNetnsUevents.Suppressed && dev.Owner.IsDying;
        yield return Step.Call(F.KobjectUevent, Uevent(dev, kind, UeventAction.Remove, suppressed ? UeventEmission.Suppress : UeventEmission.Send));
    }

    /// <summary>
    /// kobject_uevent: build the environment, take the global uevent_sock_mutex, and (≤4.17) visit every netns's uevent
    /// socket; a socket counts as listened whenever anybody listens anywhere (netlink_has_listeners is per protocol),
    /// and then pays an skb allocation, copy and broadcast walk. One aggregated cost: no event per socket visit.
    /// </summary>
    private IEnumerable<Step> Uevent(NetDevice dev, KobjectKind kind, UeventAction action, UeventEmission emission = UeventEmission.Send)
    {
        var deliveryDefault = _structure.UeventDelivery == UeventDeliveryKind.OwningNetns ? UeventDelivery.OwningNetnsOnly : UeventDelivery.AllSockets;
        var ctx = new UeventContext(this, dev.Kind, kind, action, dev.Owner.Id, dev.Owner.IsDying, emission, deliveryDefault);
        if (DecideEmission(ctx) == UeventEmission.Suppress)
        {
            _uevents.Suppressed++;
            if (!dev.Owner.IsDying)
            {
                Violation(OracleRule.Uevent, dev.ToString(), $"{action} uevent of a {kind} kobject suppressed although its netns is live");
            }

            yield break;
        }

        var delivery = DecideDelivery(ctx);
        _uevents.Sent++;
        yield return Step.Run(F.UeventEnv, UeventCpu(_costs.UeventEnvNs));
        yield return Step.Lock(_locks.UeventSock);
        long visits;
        bool listened;
        if (delivery == UeventDelivery.AllSockets)
        {
            visits = _uevents.Sockets;
            listened = _uevents.ListenerNets > 0;
        }
        else
        {
            visits = dev.Owner.HasUeventSocket ? 1 : 0;
            listened = dev.Owner.UeventListener;
        }

        long perVisit;
        if (!listened)
        {
            perVisit = _costs.UeventSocketCheckNs;
        }
        else
        {
            perVisit = _structure.UeventSkbShared ? _costs.UeventSocketDeliverSharedNs : _costs.UeventSocketDeliverNs;
            _uevents.SkbAllocations += _structure.UeventSkbShared ? 1 : visits;
        }

        _uevents.SocketVisits += visits;
        yield return Step.Run(F.UeventBroadcast, UeventCpu(visits * perVisit));
        yield return Step.Unlock(_locks.UeventSock);
    }

    /// <summary>rtnl_unlock: releases RTNL, then netdev_run_todo for the devices this round unregistered.</summary>
    private IEnumerable<Step> RtnlUnlock(List<NetDevice> todo)
    {
        yield return Step.Unlock(_locks.Rtnl);
        if (todo.Count > 0)
        {
            yield return Step.Call(F.NetdevRunTodo, NetdevRunTodo(todo));
        }
    }

    /// <summary>
    /// netdev_run_todo: one rcu_barrier for the round, then per device: wait for its references to drop, the RTNL
    /// round trips of <c>dev_unreg_count</c> (≤5.x; none once it is an atomic), free. Serially up to 5.x; from 6.x
    /// (<c>netdev_wait_allrefs_any</c>) whichever device is ready first, so a leaked reference delays only its own
    /// device.
    /// </summary>
    private IEnumerable<Step> NetdevRunTodo(List<NetDevice> todo)
    {
        var start = _s.Now;
        yield return Step.Call(F.RcuBarrier, Barrier());
        _cleanupRcuWaitNs += _s.Now - start;
        IEnumerable<NetDevice> order = todo;
        if (_structure.TodoFreeOrder == TodoFreeOrder.AnyOrder)
        {
            // Stable: devices whose references are gone first, in list order; then by release time.
            order = todo.OrderBy(d => Math.Max(d.RefsReleasedAt, 0));
        }

        foreach (var dev in order)
        {
            yield return Step.Run(F.NetdevWaitAllrefs, Cpu(_costs.TodoPerDeviceNs));
            if (dev.RefsReleasedAt > _s.Now)
            {
                yield return Step.Call(F.NetdevWaitAllrefs, WaitAllrefs(dev));
            }

            for (var k = 0; k < _structure.TodoRtnlRoundTrips; k++)
            {
                yield return Step.Lock(_locks.Rtnl);
                yield return Step.Run(F.RtnlLock, Cpu(_costs.RtnlRoundTripNs));
                yield return Step.Unlock(_locks.Rtnl);
            }

            if (!_rcu.Elapsed(dev.Unlisted))
            {
                Violation(OracleRule.RcuSafety, dev.ToString(), "device freed before a grace period after its teardown");
            }

            yield return Step.Run(F.DeviceFree, Cpu(_costs.DeviceFreeNs));
            dev.Unregistered = true;
            if (dev.Type.Bytes > 0)
            {
                ChargeMemory(-dev.Type.Bytes);
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
        var start = _s.Now;
        var lastRebroadcast = start;
        var lastWarning = start;
        var sleep = _costs.WaitAllrefsBackoff ? 1_000_000L : _costs.WaitAllrefsQuantumNs;
        _devices.DevicesWaited++;
        while (dev.RefsReleasedAt > _s.Now)
        {
            if (_s.Now - lastRebroadcast >= 1_000_000_000)
            {
                lastRebroadcast = _s.Now;
                yield return Step.Lock(_locks.Rtnl);
                yield return Step.Run(F.NotifierUnregister, Cpu(_costs.DeviceNotifierNs));
                yield return Step.Unlock(_locks.Rtnl);
            }

            if (_s.Now - lastWarning >= 10_000_000_000)
            {
                lastWarning = _s.Now;
                _devices.UnregisterWarnings++;
            }

            yield return Step.Sleep(sleep);
            sleep = Math.Min(sleep * 2, _costs.WaitAllrefsQuantumNs);
        }

        _devices.RefWaitNs += _s.Now - start;
    }

    /// <summary>Marks the devices that keep a reference after unregistration (workload: machine.leaked_references).</summary>
    private void MaybeLeakReference(NetDevice dev)
    {
        var leaks = _workload.Machine.LeakedReferences;
        if (leaks.Fraction <= 0)
        {
            return;
        }

        _devices.LeakRandom ??= Stream(StreamLeaks);
        if (_devices.LeakRandom.NextDouble() < leaks.Fraction)
        {
            dev.RefsReleasedAt = _s.Now + Ms(leaks.HoldMs);
        }
    }

    /// <summary>
    /// dev_change_net_namespace (RTNL held): unlist, synchronize_net, NETDEV_UNREGISTER, rcu_barrier, REMOVE uevent
    /// in the old netns, move, ADD uevent in the new one, synchronize_net.
    /// </summary>
    private IEnumerable<Step> DeviceMove(NetDevice dev, Net target)
    {
        yield return Step.Self(Cpu(_costs.DeviceMoveNs));
        var mode = DecideGracePeriod(SyncSite.DeviceMove, "", true, SynchronizeNetDefault(true));
        var cookie = mode == GracePeriodMode.Overlapped ? _rcu.StartPoll() : 0;
        foreach (var step in SynchronizeNet(mode, cookie))
        {
            yield return step;
        }

        yield return Step.Run(F.NotifierUnregister, Cpu(_costs.DeviceNotifierNs));
        yield return Step.Call(F.RcuBarrier, Barrier());
        yield return Step.Call(F.KobjectUevent, Uevent(dev, KobjectKind.Device, UeventAction.Remove));
        Untrack(dev);
        dev.Owner = target;
        Track(dev);
        yield return Step.Call(F.KobjectUevent, Uevent(dev, KobjectKind.Device, UeventAction.Add));
        mode = DecideGracePeriod(SyncSite.DeviceMove, "", true, SynchronizeNetDefault(true));
        cookie = mode == GracePeriodMode.Overlapped ? _rcu.StartPoll() : 0;
        foreach (var step in SynchronizeNet(mode, cookie))
        {
            yield return step;
        }
    }

    /// <summary>IPv6 addresses on the host: the workload configures none beyond what lo and the devices get down.</summary>
    private long Inet6Addresses() => (long)_allocatedNets * _workload.Machine.Ipv6AddressesPerNetns;

    /// <summary>Device lists are kept for namespaces only: the host's devices are never walked by the model.</summary>
    private void Track(NetDevice dev)
    {
        if (dev.Owner != _initNet)
        {
            dev.Owner.Devices.Add(dev);
        }
    }

    private void Untrack(NetDevice dev)
    {
        if (dev.Owner != _initNet)
        {
            dev.Owner.Devices.Remove(dev);
        }
    }

    /// <summary>register_netdevice (RTNL held): the device and its queue kobjects, each announced with KOBJ_ADD.</summary>
    private IEnumerable<Step> RegisterNetdevice(NetDevice dev)
    {
        yield return Step.Self(Cpu(_costs.DeviceRegisterNs));
        Track(dev);
        if (dev.Type.Bytes > 0)
        {
            ChargeMemory(dev.Type.Bytes);
        }

        var kobjects = 1 + dev.Type.RxQueues + dev.Type.TxQueues;
        for (var k = 0; k < kobjects; k++)
        {
            var kind = k == 0 ? KobjectKind.Device : k <= dev.Type.RxQueues ? KobjectKind.RxQueue : KobjectKind.TxQueue;
            yield return Step.Run(F.KobjectAdd, Cpu(_costs.KobjectAddNs));
            yield return Step.Call(F.KobjectUevent, Uevent(dev, kind, UeventAction.Add));
        }
    }
}
