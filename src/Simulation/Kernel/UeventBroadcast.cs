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
    private readonly Stack<UeventCall> _uevents = new();
    private readonly Stack<SocketCall> _socketCalls = new();

    private KernelContext Context => k;

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
    /// <remarks>Pooled (<see cref="SocketCall"/>), as <see cref="NetExit"/>.</remarks>
    public IEnumerable<Step> NetInit(Net net, long cost) => SocketCall.Rent(this, net, null, cost);

    /// <summary>uevent_net_exit: remove this net's uevent socket; ≤4.17 searches the socket list linearly.</summary>
    public IEnumerable<Step> NetExit(PernetOp op, Net net) => SocketCall.Rent(this, net, op, 0);

    /// <summary>uevent_net_exit's cost, read once uevent_sock_mutex is held (the socket list's length at that moment).</summary>
    private long NetExitCost(PernetOp op) =>
        k.UeventCpu(k.Costs.UeventNetExitBaseNs + op.Spec.ExitNs + (k.Structure.UeventNetExitLinear ? Sockets * k.Costs.UeventNetExitPerSocketNs : 0));

    /// <summary>
    /// kobject_uevent: build the environment, take the global uevent_sock_mutex, and (≤4.17) visit every netns's uevent
    /// socket; a socket counts as listened whenever anybody listens anywhere (netlink_has_listeners is per protocol),
    /// and then pays an skb allocation, copy and broadcast walk. One aggregated cost: no event per socket visit.
    /// </summary>
    /// <remarks>A pooled coroutine (<see cref="UeventCall"/>; issue 16: the iterator was the largest allocation left in a churn).</remarks>
    public IEnumerable<Step> KobjectUevent(NetDevice dev, KobjectKind kind, UeventAction action, UeventEmission emission = UeventEmission.Send) =>
        UeventCall.Rent(this, dev, kind, action, emission);

    /// <summary>
    /// One <see cref="KobjectUevent"/>, hand-written: the emission decision and the environment, the socket mutex, the
    /// walk, the unlock. Each decision, counter and read of the socket counts happens at the step the iterator it
    /// replaces made it (the walk's sockets are counted once the mutex is held), so results are byte-identical.
    /// </summary>
    private sealed class UeventCall : PooledCoroutine<UeventCall>
    {
        private readonly UeventBroadcast _owner;
        private NetDevice _dev;
        private KobjectKind _kind;
        private UeventAction _action;
        private UeventEmission _emission;
        private UeventDelivery _delivery;
        private int _state;

        private UeventCall(UeventBroadcast owner)
            : base(owner._uevents) => _owner = owner;

        public static UeventCall Rent(UeventBroadcast owner, NetDevice dev, KobjectKind kind, UeventAction action, UeventEmission emission)
        {
            var e = owner._uevents.Count > 0 ? owner._uevents.Pop() : new UeventCall(owner);
            e._dev = dev;
            e._kind = kind;
            e._action = action;
            e._emission = emission;
            e._state = 0;
            return e.Begin();
        }

        public override bool MoveNext()
        {
            var o = _owner;
            var k = o.Context;
            switch (_state)
            {
                case 0:
                    var deliveryDefault = k.Structure.UeventDelivery == UeventDeliveryKind.OwningNetns ? UeventDelivery.OwningNetnsOnly : UeventDelivery.AllSockets;
                    var ctx = new UeventContext(k.Policy.State, _dev.Kind, _kind, _action, _dev.Owner.Id, _dev.Owner.IsDying, _emission, deliveryDefault);
                    if (k.Policy.DecideEmission(ctx) == UeventEmission.Suppress)
                    {
                        o.Suppressed++;
                        if (!_dev.Owner.IsDying)
                        {
                            k.Violation(OracleRule.Uevent, _dev.ToString(), $"{_action} uevent of a {_kind} kobject suppressed although its netns is live");
                        }

                        _state = 4;
                        return false;
                    }

                    _delivery = k.Policy.DecideDelivery(ctx);
                    o.Sent++;
                    _state = 1;
                    return Yield(Step.Run(k.F.UeventEnv, k.UeventCpu(k.Costs.UeventEnvNs)));
                case 1:
                    _state = 2;
                    return Yield(Step.Lock(k.Locks.UeventSock));
                case 2:
                    long visits;
                    bool listened;
                    if (_delivery == UeventDelivery.AllSockets)
                    {
                        visits = o.Sockets;
                        listened = o.ListenerNets > 0;
                    }
                    else
                    {
                        visits = _dev.Owner.HasUeventSocket ? 1 : 0;
                        listened = _dev.Owner.UeventListener;
                    }

                    long perVisit;
                    if (!listened)
                    {
                        perVisit = k.Costs.UeventSocketCheckNs;
                    }
                    else
                    {
                        perVisit = k.Structure.UeventSkbShared ? k.Costs.UeventSocketDeliverSharedNs : k.Costs.UeventSocketDeliverNs;
                        o.SkbAllocations += k.Structure.UeventSkbShared ? 1 : visits;
                    }

                    o.SocketVisits += visits;
                    _state = 3;
                    return Yield(Step.Run(k.F.UeventBroadcast, k.UeventCpu(visits * perVisit)));
                case 3:
                    _state = 4;
                    return Yield(Step.Unlock(k.Locks.UeventSock));
                default:
                    return false;
            }
        }

        protected override void Clear()
        {
            _dev = default;
            _state = 4;
        }
    }

    /// <summary>
    /// <see cref="NetInit"/> (no op) or <see cref="NetExit"/> (its op) by hand: uevent_sock_mutex, the work — an exit's
    /// cost read once the mutex is held, as the iterators read it — the socket added or removed, the mutex released.
    /// </summary>
    private sealed class SocketCall : PooledCoroutine<SocketCall>
    {
        private readonly UeventBroadcast _owner;
        private Net _net;
        private PernetOp? _exitOp;
        private long _initCost;
        private int _state;

        private SocketCall(UeventBroadcast owner)
            : base(owner._socketCalls) => _owner = owner;

        public static SocketCall Rent(UeventBroadcast owner, Net net, PernetOp? exitOp, long initCost)
        {
            var e = owner._socketCalls.Count > 0 ? owner._socketCalls.Pop() : new SocketCall(owner);
            e._net = net;
            e._exitOp = exitOp;
            e._initCost = initCost;
            e._state = 0;
            return e.Begin();
        }

        public override bool MoveNext()
        {
            var o = _owner;
            var k = o.Context;
            switch (_state)
            {
                case 0:
                    _state = 1;
                    return Yield(Step.Lock(k.Locks.UeventSock));
                case 1:
                    _state = 2;
                    return Yield(Step.Self(_exitOp is { } op ? o.NetExitCost(op) : _initCost));
                case 2:
                    if (_exitOp is null)
                    {
                        o.AddSocket(_net);
                    }
                    else
                    {
                        o.RemoveSocket(_net);
                    }

                    _state = 3;
                    return Yield(Step.Unlock(k.Locks.UeventSock));
                default:
                    return false;
            }
        }

        protected override void Clear()
        {
            _net = default;
            _exitOp = null;
            _state = 3;
        }
    }
}
