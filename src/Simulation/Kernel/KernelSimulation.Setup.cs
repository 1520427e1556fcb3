using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>Creation: copy_net_ns → setup_net (KERNEL-MODEL.md §4), and the devices a workload adds afterwards.</summary>
internal sealed partial class KernelSimulation
{
    private RandomStream? _listenerRandom;

    /// <summary>
    /// copy_net_ns: charge the ucount (ENOSPC at the limit), allocate struct net, take the setup lock (4.9: waits for
    /// the whole running teardown batch), run every op's init in order, link the net into the global list.
    /// </summary>
    private IEnumerable<Step> CopyNetNs(Creation c)
    {
        var start = _s.Now;
        _creationsInFlight++;
        _probeInFlight += c.Probe ? 1 : 0;
        try
        {
            if (_charged >= _maxNetNamespaces)
            {
                _enospc++;
                c.Failed = true;
                yield break;
            }

            _charged++;
            var net = new Net(_nextNetId++) { MemoryBytes = _perNetBytes };
            _allocatedNets++;
            ChargeMemory(net.MemoryBytes);
            yield return Step.Run(F.NetAlloc, Cpu(_costs.NetAllocNs));

            var exclusive = _lockMode == LockMode.Exclusive;
            _creatorsWaiting++;
            yield return exclusive ? Step.Lock(_locks.Setup) : Step.LockRead(_locks.Setup);
            _creatorsWaiting--;
            _setupInProgress++;
            yield return Step.Call(F.SetupNet, SetupNet(net));

            // Link into net_namespace_list under RTNL (≤4.17) or net_rwsem (4.18+).
            var listLock = _locks.NetList;
            yield return Step.Lock(listLock);
            yield return Step.Run(F.LinkNet, Cpu(_costs.LinkNetNs));
            net.State = NetState.Alive;
            _nsid.Link();
            AddLive(net);
            yield return Step.Unlock(listLock);
            _setupInProgress--;
            yield return exclusive ? Step.Unlock(_locks.Setup) : Step.UnlockRead(_locks.Setup);

            _netsCreated++;
            net.FromProbe = c.Probe;
            c.Net = net;
            if (c.Measured)
            {
                RecordCreationLatency(_s.Now - start);
            }
        }
        finally
        {
            _creationsInFlight--;
            _probeInFlight -= c.Probe ? 1 : 0;
        }
    }

    /// <summary>setup_net: every op's init in registration order (per-CPU control sockets for each possible CPU).</summary>
    private IEnumerable<Step> SetupNet(Net net)
    {
        foreach (var op in _ops)
        {
            // Most inits are pure CPU work: one segment charged to the op's function, no coroutine.
            yield return op.Behaviour == PernetOpBehaviour.Plain && !op.Spec.InitTakesRtnl
                ? Step.Run(op.InitFunc, InitCost(op))
                : Step.Call(op.InitFunc, OpInit(op, net));
        }
    }

    private long InitCost(PernetOp op) => Cpu(op.Spec.InitNs + ((long)op.Spec.PerCpuSockets * op.Spec.PerCpuSocketNs * _possibleCpus));

    private IEnumerable<Step> OpInit(PernetOp op, Net net)
    {
        var cost = InitCost(op);
        switch (op.Behaviour)
        {
            case PernetOpBehaviour.Uevent:
                yield return Step.Lock(_locks.UeventSock);
                yield return Step.Self(cost);
                _uevents.AddSocket(net);
                yield return Step.Unlock(_locks.UeventSock);
                break;
            case PernetOpBehaviour.Loopback:
                yield return Step.Lock(_locks.Rtnl);
                yield return Step.Self(cost);
                _s.ChargeDevices(1);
                yield return Step.Call(F.RegisterNetdevice, RegisterNetdevice(new NetDevice(_loopbackType, DeviceKind.Loopback, net, "lo")));
                yield return Step.Unlock(_locks.Rtnl);
                break;
            case PernetOpBehaviour.Tunnel:
                yield return Step.Lock(_locks.Rtnl);
                yield return Step.Self(cost);
                _s.ChargeDevices(1);
                yield return Step.Call(F.RegisterNetdevice, RegisterNetdevice(new NetDevice(op.TunnelDevice!, DeviceKind.Tunnel, net, op.TunnelDevice!.Name + "0")));
                yield return Step.Unlock(_locks.Rtnl);
                break;
            default:
                if (op.Spec.InitTakesRtnl)
                {
                    yield return Step.Lock(_locks.Rtnl);
                }

                yield return Step.Self(cost);
                if (op.Spec.InitTakesRtnl)
                {
                    yield return Step.Unlock(_locks.Rtnl);
                }

                break;
        }
    }

    /// <summary>
    /// What the workload does once the namespace exists: veth pairs created with one end in the namespace and the peer
    /// in the host (the host learns an nsid for it), physical devices moved in. Also decides who listens to uevents.
    /// </summary>
    private IEnumerable<Step> AddDevices(Net net, DeviceMix mix)
    {
        var fraction = _workload.Machine.UeventListeners.NetnsFraction;
        if (fraction > 0)
        {
            _listenerRandom ??= Stream(StreamListeners);
            if (_listenerRandom.NextDouble() < fraction)
            {
                _uevents.AddListener(net);
            }
        }

        for (var i = 0; i < mix.VethPairs; i++)
        {
            yield return Step.Lock(_locks.Rtnl);
            _s.ChargeDevices(2);
            var inner = new NetDevice(_vethType, DeviceKind.Veth, net, "veth" + i);
            var peer = new NetDevice(_vethType, DeviceKind.Veth, _initNet, $"veth{net.Id}_{i}");
            inner.Peer = peer;
            peer.Peer = inner;
            yield return Step.Call(F.VethNewlink, RegisterNetdevice(peer));
            yield return Step.Call(F.VethNewlink, RegisterNetdevice(inner));
            _nsid.AssignHostNsid(net);

            yield return Step.Unlock(_locks.Rtnl);
        }

        for (var i = 0; i < mix.Physical; i++)
        {
            yield return Step.Lock(_locks.Rtnl);
            _s.ChargeDevices(1);
            var dev = new NetDevice(_physicalType, DeviceKind.Physical, _initNet, $"eth{net.Id}_{i}");
            yield return Step.Call(F.DevChangeNetNamespace, DeviceMove(dev, net));
            yield return Step.Unlock(_locks.Rtnl);
        }
    }

    /// <summary>The outcome of one copy_net_ns, filled in by the coroutine.</summary>
    private sealed class Creation(bool measured, bool probe = false)
    {
        public bool Measured { get; } = measured;

        public bool Probe { get; } = probe;

        public Net? Net { get; set; }

        public bool Failed { get; set; }
    }
}
