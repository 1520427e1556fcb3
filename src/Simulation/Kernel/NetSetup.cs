using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// Creation (net/core/net_namespace.c, KERNEL-MODEL.md §4): <c>copy_net_ns</c> → <c>setup_net</c>, every op's init in
/// registration order, the link into net_namespace_list. It owns the creations in flight, the creators waiting for
/// the setup lock, and the creation latency.
/// </summary>
internal sealed class NetSetup(KernelContext k, IReadOnlyList<PernetOp> ops, NsidTable nsid, UeventBroadcast uevents, DeviceRegistration registration, DeviceTypeSpec loopbackType, int maxNetNamespaces, long perNetBytes)
{
    /// <summary>Memory of one struct net with its per-CPU control sockets.</summary>
    public long PerNetBytes => perNetBytes;

    // profile creation_cache: the creation path's warmth in the host's caches (0 cold, 1 warm) and since when it decays.
    private double _warmth;
    private long _warmthSinceNs;

    public int CreationsInFlight { get; private set; }

    /// <summary>The creations in flight that the probe started.</summary>
    public int ProbeInFlight { get; private set; }

    /// <summary>Creators waiting for the setup lock.</summary>
    public int CreatorsWaiting { get; private set; }

    public long NetsCreated { get; private set; }

    /// <summary>copy_net_ns calls refused at max_net_namespaces (ENOSPC).</summary>
    public long Enospc { get; private set; }

    public LatencyRecorder CreationLatency { get; } = new();

    /// <summary>The probe's creations in completion order: for comparing windows of a run with the host's.</summary>
    public ValueList<ProbeCreation> ProbeCreations { get; } = new();

    /// <summary>
    /// copy_net_ns: charge the ucount (ENOSPC at the limit), allocate struct net, take the setup lock (4.9: waits for
    /// the whole running teardown batch), run every op's init in order, link the net into the global list.
    /// </summary>
    public IEnumerable<Step> CopyNetNs(Creation c)
    {
        var start = k.S.Now;

        // A creation after a pause finds the creation path's code and data cold in the host's caches (profile
        // creation_cache, measured by the probe's creation-gap experiments): every CPU step the creating thread runs in
        // copy_net_ns costs the factor more. Warm while another creation is in flight; the first of a run is cold.
        var cache = k.Profile.CreationCache;
        var self = cache is null ? null : k.S.Running;
        var factorBefore = 1.0;
        if (self is not null)
        {
            // The warmth decays only while no creation runs.
            if (CreationsInFlight == 0)
            {
                _warmth = cache!.Decayed(_warmth, start - _warmthSinceNs);
                _warmthSinceNs = start;
            }

            factorBefore = self.CostFactor;
            self.CostFactor = factorBefore * cache!.Factor(_warmth);
        }

        CreationsInFlight++;
        ProbeInFlight += c.Probe ? 1 : 0;
        try
        {
            if (k.Accounting.Charged >= maxNetNamespaces)
            {
                Enospc++;
                c.Failed = true;
                yield break;
            }

            k.Accounting.Charged++;
            var net = k.Accounting.NewNet(PerNetBytes);
            k.Accounting.Allocated++;
            k.Accounting.ChargeMemory(net.MemoryBytes);
            yield return Step.Run(k.F.NetAlloc, k.Cpu(k.Costs.NetAllocNs));

            var exclusive = k.Locks.RunMode == LockMode.Exclusive;
            CreatorsWaiting++;
            yield return exclusive ? Step.Lock(k.Locks.Setup) : Step.LockRead(k.Locks.Setup);
            CreatorsWaiting--;
            yield return Step.Call(k.F.SetupNet, SetupNet(net));

            // Link into net_namespace_list under RTNL (≤4.17) or net_rwsem (4.18+).
            var listLock = k.Locks.NetList;
            yield return Step.Lock(listLock);
            yield return Step.Run(k.F.LinkNet, k.Cpu(k.Costs.LinkNetNs));
            net.State = NetState.Alive;
            nsid.Link();
            k.Accounting.AddLive(net);
            yield return Step.Unlock(listLock);
            yield return exclusive ? Step.Unlock(k.Locks.Setup) : Step.UnlockRead(k.Locks.Setup);

            NetsCreated++;
            if (cache is not null)
            {
                _warmth = cache.Warmed(_warmth);
                _warmthSinceNs = k.S.Now;
            }

            net.FromProbe = c.Probe;
            c.Net = net;
            if (c.Measured)
            {
                CreationLatency.Record(k.S.Now - start);
                if (c.Probe)
                {
                    ProbeCreations.Add(new ProbeCreation(start / 1e9, (k.S.Now - start) / 1e6));
                }
            }
        }
        finally
        {
            CreationsInFlight--;
            ProbeInFlight -= c.Probe ? 1 : 0;
            if (self is not null)
            {
                self.CostFactor = factorBefore;
            }
        }
    }

    /// <summary>setup_net: every op's init in registration order (per-CPU control sockets for each possible CPU).</summary>
    private IEnumerable<Step> SetupNet(Net net)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];

            // Most inits are pure CPU work: one segment charged to the op's function, no coroutine.
            if (op.Behaviour == PernetOpBehaviour.Plain && !op.Spec.InitTakesRtnl)
            {
                yield return Step.Run(op.InitFunc, InitCost(op));
            }
            else
            {
                yield return Step.Call(op.InitFunc, op.Behaviour == PernetOpBehaviour.Uevent ? uevents.NetInit(net, InitCost(op)) : OpInit(op, net));
            }
        }
    }

    private long InitCost(PernetOp op) => k.Cpu(op.Spec.InitNs + ((long)op.Spec.PerCpuSockets * op.Spec.PerCpuSocketNs * k.PossibleCpus));

    /// <summary>
    /// An op's init that is not a single CPU segment. One that registers no device is a fixed sequence (RTNL around
    /// its work, or the work alone), a pooled coroutine; a device-registering one is <see cref="DeviceOpInit"/>.
    /// </summary>
    private IEnumerable<Step> OpInit(PernetOp op, Net net)
    {
        if (op.Behaviour is PernetOpBehaviour.Loopback or PernetOpBehaviour.Tunnel)
        {
            return DeviceOpInit(op, net);
        }

        var cost = InitCost(op);
        return op.Spec.InitTakesRtnl ? k.S.Sequence(Step.Lock(k.Locks.Rtnl), Step.Self(cost), Step.Unlock(k.Locks.Rtnl)) : k.S.One(Step.Self(cost));
    }

    private IEnumerable<Step> DeviceOpInit(PernetOp op, Net net)
    {
        var cost = InitCost(op);
        switch (op.Behaviour)
        {
            case PernetOpBehaviour.Loopback:
                yield return Step.Lock(k.Locks.Rtnl);
                yield return Step.Self(cost);
                k.S.ChargeDevices(1);
                yield return Step.Call(k.F.RegisterNetdevice, registration.RegisterNetdevice(new NetDevice(loopbackType, DeviceKind.Loopback, net, "lo")));
                yield return Step.Unlock(k.Locks.Rtnl);
                break;
            case PernetOpBehaviour.Tunnel:
                yield return Step.Lock(k.Locks.Rtnl);
                yield return Step.Self(cost);
                k.S.ChargeDevices(1);
                yield return Step.Call(k.F.RegisterNetdevice, registration.RegisterNetdevice(new NetDevice(op.TunnelDevice!, DeviceKind.Tunnel, net, op.TunnelDevice!.Name + "0")));
                yield return Step.Unlock(k.Locks.Rtnl);
                break;
        }
    }
}
