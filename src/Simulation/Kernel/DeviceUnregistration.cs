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
    /// <summary>The random stream deciding which devices leak a reference (created on first use).</summary>
    private RandomStream? _leakRandom;

    public long DevicesWaited { get; private set; }

    public long UnregisterWarnings { get; private set; }

    public long RefWaitNs { get; private set; }

    /// <summary>When device_del last removed a host-side device (/sys/class/net/&lt;peer&gt;), or -1.</summary>
    public long LastHostPeerGone { get; private set; } = -1;

    /// <summary>A tunnel driver's exit: RTNL, queue its fallback devices, one unregister round, RTNL release (runs the todo list).</summary>
    public IEnumerable<Step> TunnelExit(PernetOp op, List<Net> nets)
    {
        yield return Step.Lock(k.Locks.Rtnl);
        yield return Step.Self(k.Cpu(op.Spec.ExitNs * nets.Count));
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

        yield return Step.Call(k.F.UnregisterNetdeviceMany, UnregisterMany(kill));
        yield return Step.Call(k.F.RtnlUnlock, RtnlUnlock(kill));
    }

    /// <summary>default_device_exit (≤5.17, once per dying net): RTNL round trip, physical devices moved back to init_net.</summary>
    public IEnumerable<Step> DefaultDeviceExit(PernetOp op, Net net)
    {
        yield return Step.Lock(k.Locks.Rtnl);
        yield return Step.Self(k.Cpu(op.Spec.ExitNs));
        foreach (var step in MovePhysicalDevicesHome(net))
        {
            yield return step;
        }

        yield return Step.Unlock(k.Locks.Rtnl);
    }

    /// <summary>
    /// default_device_exit_batch: one RTNL hold for the batch; every device of every dying net (a veth's dellink also
    /// queues its peer, which may live in a live netns) on one kill list; one unregister_netdevice_many.
    /// </summary>
    public IEnumerable<Step> DefaultDeviceExitBatch(List<Net> batch)
    {
        yield return Step.Lock(k.Locks.Rtnl);
        var kill = new List<NetDevice>();
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

    public IEnumerable<Step> MovePhysicalDevicesHome(Net net)
    {
        if (!net.Devices.Exists(d => d.Kind == DeviceKind.Physical))
        {
            yield break;
        }

        foreach (var dev in net.Devices.Where(d => d.Kind == DeviceKind.Physical).ToArray())
        {
            yield return Step.Call(k.F.DevChangeNetNamespace, registration.DeviceMove(dev, k.InitNet));
        }
    }

    /// <summary>unregister_netdevice_many with RTNL held by the caller.</summary>
    public IEnumerable<Step> UnregisterMany(List<NetDevice> devs)
    {
        if (devs.Count == 0)
        {
            yield break;
        }

        var scope = k.Policy.DecideRtnlScope(devs.Count, k.Structure.RtnlDropAroundWaits ? RtnlScope.DropAroundWaits : RtnlScope.HoldAcrossPhase);
        yield return Step.Call(k.F.RollbackRegisteredMany, Rollback(devs, scope));
    }

    /// <summary>
    /// rollback_registered_many: close and unlist every device; flush per-CPU backlogs; synchronize_net (expedited
    /// with RTNL held); per device the NETDEV_UNREGISTER chain, RTM_DELLINK and netdev_unregister_kobject; a second
    /// synchronize_net before dropping references.
    /// </summary>
    private IEnumerable<Step> Rollback(List<NetDevice> devs, RtnlScope scope)
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

    /// <summary>netdev_unregister_kobject: the device's kobject and one per rx and tx queue, each with its uevent.</summary>
    private IEnumerable<Step> UnregisterKobject(NetDevice dev)
    {
        yield return Step.Call(k.F.DeviceDel, KobjectRemove(dev, KobjectKind.Device));
        if (dev.Owner == k.InitNet)
        {
            // device_del removed /sys/class/net/<peer>: what a host-side observer (netns-policy probe) sees.
            LastHostPeerGone = k.S.Now;
        }

        yield return Step.Call(k.F.RxQueueKobjects, QueueKobjects(dev, KobjectKind.RxQueue, dev.Type.RxQueues));
        yield return Step.Call(k.F.TxQueueKobjects, QueueKobjects(dev, KobjectKind.TxQueue, dev.Type.TxQueues));
    }

    private IEnumerable<Step> QueueKobjects(NetDevice dev, KobjectKind kind, int count)
    {
        for (var q = 0; q < count; q++)
        {
            yield return Step.Call(k.F.KobjectPut, KobjectRemove(dev, kind));
        }
    }

    /// <summary>
    /// device_del / kobject_put of one kobject. From 4.10 (002d8a1a6c11) netdev_unregister_kobject and the rx/tx queue
    /// removal set <c>uevent_suppress</c> when the device's netns refcount is zero, so a dying net's devices send
    /// no KOBJ_REMOVE; devices of live nets (a veth peer in the host) still announce.
    /// </summary>
    private IEnumerable<Step> KobjectRemove(NetDevice dev, KobjectKind kind)
    {
        yield return Step.Self(k.Cpu(k.Costs.KobjectRemoveNs));
        var suppressed = k.Structure.DyingNetnsUevents == DyingNetnsUevents.Suppressed && dev.Owner.IsDying;
        yield return Step.Call(k.F.KobjectUevent, uevents.KobjectUevent(dev, kind, UeventAction.Remove, suppressed ? UeventEmission.Suppress : UeventEmission.Send));
    }

    /// <summary>rtnl_unlock: releases RTNL, then netdev_run_todo for the devices this round unregistered.</summary>
    public IEnumerable<Step> RtnlUnlock(List<NetDevice> todo)
    {
        yield return Step.Unlock(k.Locks.Rtnl);
        if (todo.Count > 0)
        {
            yield return Step.Call(k.F.NetdevRunTodo, NetdevRunTodo(todo));
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
        var start = k.S.Now;
        yield return Step.Call(k.F.RcuBarrier, rcu.Barrier());
        rcu.AddWait(k.S.Now - start);
        IEnumerable<NetDevice> order = todo;
        if (k.Structure.TodoFreeOrder == TodoFreeOrder.AnyOrder)
        {
            // Stable: devices whose references are gone first, in list order; then by release time.
            order = todo.OrderBy(d => Math.Max(d.RefsReleasedAt, 0));
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
}
