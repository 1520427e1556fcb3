using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// Devices entering a namespace (net/core/dev.c): <c>register_netdevice</c> with its queue kobjects and their KOBJ_ADD
/// uevents, and <c>dev_change_net_namespace</c>. Device lists are kept for namespaces only: the host's devices are
/// never walked by the model.
/// </summary>
internal sealed class DeviceRegistration(KernelContext k, UeventBroadcast uevents, NetRcu rcu)
{
    public void Track(NetDevice dev)
    {
        if (dev.Owner != k.InitNet)
        {
            dev.Owner.Devices.Add(dev);
        }
    }

    public void Untrack(NetDevice dev)
    {
        if (dev.Owner != k.InitNet)
        {
            dev.Owner.Devices.Remove(dev);
        }
    }

    /// <summary>register_netdevice (RTNL held): the device and its queue kobjects, each announced with KOBJ_ADD.</summary>
    public IEnumerable<Step> RegisterNetdevice(NetDevice dev)
    {
        yield return Step.Self(k.Cpu(k.Costs.DeviceRegisterNs));
        Track(dev);
        if (dev.Type.Bytes > 0)
        {
            k.Accounting.ChargeMemory(dev.Type.Bytes);
        }

        var kobjects = 1 + dev.Type.RxQueues + dev.Type.TxQueues;
        for (var q = 0; q < kobjects; q++)
        {
            var kind = q == 0 ? KobjectKind.Device : q <= dev.Type.RxQueues ? KobjectKind.RxQueue : KobjectKind.TxQueue;
            yield return Step.Run(k.F.KobjectAdd, k.Cpu(k.Costs.KobjectAddNs));
            yield return Step.Call(k.F.KobjectUevent, uevents.KobjectUevent(dev, kind, UeventAction.Add));
        }
    }

    /// <summary>
    /// dev_change_net_namespace (RTNL held): unlist, synchronize_net, NETDEV_UNREGISTER, rcu_barrier, REMOVE uevent
    /// in the old netns, move, ADD uevent in the new one, synchronize_net.
    /// </summary>
    public IEnumerable<Step> DeviceMove(NetDevice dev, Net target)
    {
        yield return Step.Self(k.Cpu(k.Costs.DeviceMoveNs));
        var mode = k.Policy.DecideGracePeriod(SyncSite.DeviceMove, "", true, rcu.SynchronizeNetDefault(true));
        var cookie = mode == GracePeriodMode.Overlapped ? k.Rcu.StartPoll() : 0;
        foreach (var step in rcu.SynchronizeNet(mode, cookie))
        {
            yield return step;
        }

        yield return Step.Run(k.F.NotifierUnregister, k.Cpu(k.Costs.DeviceNotifierNs));
        yield return Step.Call(k.F.RcuBarrier, rcu.Barrier());
        yield return Step.Call(k.F.KobjectUevent, uevents.KobjectUevent(dev, KobjectKind.Device, UeventAction.Remove));
        Untrack(dev);
        dev.Owner = target;
        Track(dev);
        yield return Step.Call(k.F.KobjectUevent, uevents.KobjectUevent(dev, KobjectKind.Device, UeventAction.Add));
        mode = k.Policy.DecideGracePeriod(SyncSite.DeviceMove, "", true, rcu.SynchronizeNetDefault(true));
        cookie = mode == GracePeriodMode.Overlapped ? k.Rcu.StartPoll() : 0;
        foreach (var step in rcu.SynchronizeNet(mode, cookie))
        {
            yield return step;
        }
    }
}
