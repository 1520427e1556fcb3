using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// One <c>ops-&gt;exit</c> or <c>ops-&gt;exit_batch</c> call of a pernet op of the default behaviour that is more than
/// CPU work: the work, and for each synchronize call it makes, unpublish → wait → tear down (Overlapped: the unpublish
/// part already ran in the pre-exit pass, so the batch's grace period covers it), then its call_rcu callbacks, under
/// RTNL when the op takes it. A hand-written coroutine from a pool, returned when the thread pops its frame (issue 16:
/// the iterator was 11% of a long churn's bytes once <see cref="PlainOpsExit"/> had gone). Every step, and every read
/// of the clock and of RCU state, happens at the moment the iterator it replaces made it: results are byte-identical.
/// </summary>
internal sealed class PlainExitCall : PooledCoroutine<PlainExitCall>
{
    private const int Start = 0;
    private const int Work = 1;
    private const int OverlappedWaited = 2;
    private const int SyncLoop = 3;
    private const int SyncWaited = 4;
    private const int CallRcu = 5;
    private const int Unlock = 6;
    private const int Done = 7;

    private readonly KernelContext _k;
    private readonly NetRcu _rcu;
    private PernetOp _op = null!;
    private GracePeriodMode _mode;
    private RcuSnapshot _preExitDone;
    private RcuSnapshot _unpublished;
    private long _cost;
    private long _part;
    private long _waitStart;
    private int _syncs;
    private int _callRcu;
    private int _j;
    private bool _takesRtnl;
    private int _state;

    private PlainExitCall(Stack<PlainExitCall> pool, KernelContext k, NetRcu rcu)
        : base(pool)
    {
        _k = k;
        _rcu = rcu;
    }

    public static PlainExitCall Rent(Stack<PlainExitCall> pool, KernelContext k, NetRcu rcu, PernetOp op, GracePeriodMode mode, RcuSnapshot preExitDone, long cost, int syncs, bool takesRtnl, int callRcu)
    {
        var e = pool.Count > 0 ? pool.Pop() : new PlainExitCall(pool, k, rcu);
        e._op = op;
        e._mode = mode;
        e._preExitDone = preExitDone;
        e._cost = cost;
        e._syncs = syncs;
        e._takesRtnl = takesRtnl;
        e._callRcu = callRcu;
        e._j = 0;
        e._state = Start;
        return e.Begin();
    }

    public override bool MoveNext()
    {
        var k = _k;
        switch (_state)
        {
            case Start:
                _state = Work;
                if (_takesRtnl)
                {
                    return Yield(Step.Lock(k.Locks.Rtnl));
                }

                goto case Work;
            case Work:
                if (_syncs == 0)
                {
                    _state = CallRcu;
                    return Yield(Step.Self(_cost));
                }

                if (_mode == GracePeriodMode.Overlapped)
                {
                    _waitStart = k.S.Now;
                    _state = OverlappedWaited;
                    if (!k.Rcu.Elapsed(_preExitDone))
                    {
                        return Yield(Step.Call(k.F.SynchronizeRcu, _rcu.Wait(Step.CondSyncRcu(_preExitDone.Normal))));
                    }

                    goto case OverlappedWaited;
                }

                _part = _cost / (_syncs + 1);
                _state = SyncLoop;
                return Yield(Step.Self(_part));
            case OverlappedWaited:
                _rcu.AddWait(k.S.Now - _waitStart);
                _state = CallRcu;
                return Yield(Step.Self(_cost - (_cost / (_syncs + 1))));
            case SyncLoop:
                if (_j >= _syncs)
                {
                    goto case CallRcu;
                }

                _unpublished = k.Rcu.Snapshot();
                _waitStart = k.S.Now;
                _state = SyncWaited;
                if (NetRcu.SyncStep(_mode) is { } wait)
                {
                    return Yield(Step.Call(_takesRtnl ? k.F.SynchronizeNet : k.F.SynchronizeRcu, _rcu.Wait(wait)));
                }

                goto case SyncWaited;
            case SyncWaited:
                _rcu.AddWait(k.S.Now - _waitStart);
                if (!k.Rcu.Elapsed(_unpublished))
                {
                    k.Violation(OracleRule.RcuSafety, _op.Name, $"{_op.Name} tore down state it had unpublished without waiting for a grace period ({_mode})");
                }

                _j++;
                _state = SyncLoop;
                return Yield(Step.Self(_part));
            case CallRcu:
                _state = Unlock;
                if (_callRcu > 0)
                {
                    k.Rcu.CallRcu(_callRcu, k.Cpu(_callRcu * _op.Spec.CallbackNs));
                    return Yield(Step.Run(k.F.CallRcu, k.Cpu(_callRcu * k.Profile.Rcu.CallRcuNs)));
                }

                goto case Unlock;
            case Unlock:
                _state = Done;
                if (_takesRtnl)
                {
                    return Yield(Step.Unlock(k.Locks.Rtnl));
                }

                return false;
            default:
                return false;
        }
    }

    protected override void Clear()
    {
        _op = null!;
        _state = Done;
    }
}
