using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// <c>ops_exit_list</c> (net/core/net_namespace.c) for a pernet op of the default behaviour — <c>ops-&gt;exit</c> for
/// each net of the batch, then <c>ops-&gt;exit_batch</c> — as a hand-written coroutine taken from a pool and returned
/// to it when its frame is popped, instead of one compiler-generated iterator per op per batch (issue 16: these were
/// 44% of the bytes a long churn allocated). It yields exactly the steps the iterator yielded, at the same moments:
/// costs, the batch's pre-exit snapshot and the batch size are read when the step is produced, as the iterator read
/// them, so results are byte-identical (tests/Identity.Tests).
/// </summary>
internal sealed class PlainOpsExit : PooledCoroutine<PlainOpsExit>
{
    private const int NotStarted = 0;
    private const int PerNet = 1;
    private const int Batch = 2;
    private const int Done = 3;

    private readonly KernelContext _k;
    private readonly NetCleanup _owner;
    private PernetOp _op = null!;
    private CleanupBatch _batch = null!;
    private GracePeriodMode _mode;
    private RcuSnapshot _preExitDone;
    private bool _simple;
    private int _next;
    private int _state;
    private bool _reschedDue;

    private PlainOpsExit(Stack<PlainOpsExit> pool, KernelContext k, NetCleanup owner)
        : base(pool)
    {
        _k = k;
        _owner = owner;
    }

    /// <summary>A coroutine for <paramref name="op"/> on <paramref name="batch"/>, reused from the pool when one is free.</summary>
    public static PlainOpsExit Rent(Stack<PlainOpsExit> pool, KernelContext k, NetCleanup owner, PernetOp op, CleanupBatch batch, GracePeriodMode mode)
    {
        var e = pool.Count > 0 ? pool.Pop() : new PlainOpsExit(pool, k, owner);
        e._op = op;
        e._batch = batch;
        e._mode = mode;
        e._state = NotStarted;
        e._next = 0;
        e._reschedDue = false;
        return e.Begin();
    }

    public override bool MoveNext()
    {
        var spec = _op.Spec;
        if (_state == NotStarted)
        {
            _preExitDone = _batch.PreExitDone;
            _state = _op.HasPerNetExitWork ? PerNet : Batch;
            _simple = spec.ExitSyncs == 0 && !spec.ExitTakesRtnl && spec.ExitCallRcu == 0;
        }

        if (_state == PerNet)
        {
            if (_reschedDue)
            {
                // ops_exit_list: cond_resched() after every ops->exit(net) (net/core/net_namespace.c); a step only on
                // a non-preemptible kernel, where it is one of the kworker's few scheduling points.
                _reschedDue = false;
                return Yield(Step.CondResched());
            }

            if (_next < _batch.Nets.Count)
            {
                _next++;
                _reschedDue = _k.CondReschedSteps;
                var cost = _k.Cpu(spec.ExitNs + (spec.ExitPerLiveNetNs * _k.Accounting.Allocated));

                // Most exits are pure CPU work: one segment charged to the op's function, no coroutine.
                return Yield(_simple
                    ? Step.Run(_op.ExitFunc, cost)
                    : Step.Call(_op.ExitFunc, _owner.PlainExit(_op, _mode, _preExitDone, cost, spec.ExitSyncs, spec.ExitTakesRtnl, spec.ExitCallRcu)));
            }

            _state = Batch;
        }

        if (_state == Batch)
        {
            _state = Done;
            if (spec.ExitBatchNs > 0 || spec.ExitBatchPerNetNs > 0 || spec.ExitBatchSyncs > 0)
            {
                var cost = _k.Cpu(spec.ExitBatchNs + (spec.ExitBatchPerNetNs * _batch.Count));
                return Yield(Step.Call(_op.BatchFunc, _owner.PlainExit(_op, _mode, _preExitDone, cost, spec.ExitBatchSyncs, spec.ExitBatchTakesRtnl, 0)));
            }
        }

        return false;
    }

    protected override void Clear()
    {
        _op = null!;
        _batch = null!;
        _state = Done;
    }
}
