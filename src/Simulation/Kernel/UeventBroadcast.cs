using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// The uevent netlink sockets (lib/kobject_uevent.c: <c>uevent_sock_list</c>, one per netns) and what broadcasting
/// to them costs: <c>kobject_uevent</c>'s walk, <c>uevent_net_init</c>/<c>uevent_net_exit</c>, one socket per net,
/// the nets with a listener, and the counters of the uevents sent.
/// </summary>
internal sealed class UeventBroadcast(KernelContext k)
{
    /// <summary>uevent sockets on uevent_sock_list (init_net's included).</summary>
    public int Sockets { get; set; } = 1;

    /// <summary>Nets with a uevent listener (netlink_has_listeners is per protocol: any listener counts for all).</summary>
    public int ListenerNets { get; set; }

    public long Sent { get; private set; }

    public long Suppressed { get; private set; }

    public long SocketVisits { get; private set; }

    public long SkbAllocations { get; private set; }

    public void AddSocket(Net net)
    {
        net.HasUeventSocket = true;
        Sockets++;
    }

    public void RemoveSocket(Net net)
    {
        if (net.HasUeventSocket)
        {
            net.HasUeventSocket = false;
            Sockets--;
        }
    }

    public void AddListener(Net net)
    {
        net.UeventListener = true;
        ListenerNets++;
    }

    public void RemoveListener(Net net)
    {
        if (net.UeventListener)
        {
            net.UeventListener = false;
            ListenerNets--;
        }
    }

    /// <summary>uevent_net_init: the net's uevent socket joins uevent_sock_list under uevent_sock_mutex.</summary>
    public IEnumerable<Step> NetInit(Net net, long cost)
    {
        yield return Step.Lock(k.Locks.UeventSock);
        yield return Step.Self(cost);
        AddSocket(net);
        yield return Step.Unlock(k.Locks.UeventSock);
    }

    /// <summary>uevent_net_exit: remove this net's uevent socket; ≤4.17 searches the socket list linearly.</summary>
    public IEnumerable<Step> NetExit(PernetOp op, Net net)
    {
        yield return Step.Lock(k.Locks.UeventSock);
        var cost = k.Costs.UeventNetExitBaseNs + op.Spec.ExitNs + (k.Structure.UeventNetExitLinear ? Sockets * k.Costs.UeventNetExitPerSocketNs : 0);
        yield return Step.Self(k.UeventCpu(cost));
        RemoveSocket(net);
        yield return Step.Unlock(k.Locks.UeventSock);
    }

    /// <summary>
    /// kobject_uevent: build the environment, take the global uevent_sock_mutex, and (≤4.17) visit every netns's uevent
    /// socket; a socket counts as listened whenever anybody listens anywhere (netlink_has_listeners is per protocol),
    /// and then pays an skb allocation, copy and broadcast walk. One aggregated cost: no event per socket visit.
    /// </summary>
    public IEnumerable<Step> KobjectUevent(NetDevice dev, KobjectKind kind, UeventAction action, UeventEmission emission = UeventEmission.Send)
    {
        var deliveryDefault = k.Structure.UeventDelivery == UeventDeliveryKind.OwningNetns ? UeventDelivery.OwningNetnsOnly : UeventDelivery.AllSockets;
        var ctx = new UeventContext(k.Policy.State, dev.Kind, kind, action, dev.Owner.Id, dev.Owner.IsDying, emission, deliveryDefault);
        if (k.Policy.DecideEmission(ctx) == UeventEmission.Suppress)
        {
            Suppressed++;
            if (!dev.Owner.IsDying)
            {
                k.Violation(OracleRule.Uevent, dev.ToString(), $"{action} uevent of a {kind} kobject suppressed although its netns is live");
            }

            yield break;
        }

        var delivery = k.Policy.DecideDelivery(ctx);
        Sent++;
        yield return Step.Run(k.F.UeventEnv, k.UeventCpu(k.Costs.UeventEnvNs));
        yield return Step.Lock(k.Locks.UeventSock);
        long visits;
        bool listened;
        if (delivery == UeventDelivery.AllSockets)
        {
            visits = Sockets;
            listened = ListenerNets > 0;
        }
        else
        {
            visits = dev.Owner.HasUeventSocket ? 1 : 0;
            listened = dev.Owner.UeventListener;
        }

        long perVisit;
        if (!listened)
        {
            perVisit = k.Costs.UeventSocketCheckNs;
        }
        else
        {
            perVisit = k.Structure.UeventSkbShared ? k.Costs.UeventSocketDeliverSharedNs : k.Costs.UeventSocketDeliverNs;
            SkbAllocations += k.Structure.UeventSkbShared ? 1 : visits;
        }

        SocketVisits += visits;
        yield return Step.Run(k.F.UeventBroadcast, k.UeventCpu(visits * perVisit));
        yield return Step.Unlock(k.Locks.UeventSock);
    }
}
