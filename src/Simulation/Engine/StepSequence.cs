namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// A function whose body is a fixed sequence of up to three steps known when it is called (the wait inside
/// <c>synchronize_rcu</c>; lock, work, unlock), or none, pooled by its scheduler (<see cref="Scheduler.Sequence()"/>): a
/// call allocates nothing, where an iterator cost an object per call (issue 16, churn allocations). A sequence only
/// replaces an iterator whose steps do not depend on what happens while it runs (no state read or changed between
/// its steps): it yields the same steps at the same moments.
/// </summary>
internal sealed class StepSequence : PooledCoroutine<StepSequence>
{
    private Step _s0;
    private Step _s1;
    private Step _s2;
    private int _count;
    private int _next;

    private StepSequence(Stack<StepSequence> pool)
        : base(pool)
    {
    }

    public static StepSequence Rent(Stack<StepSequence> pool, int count, Step s0 = default, Step s1 = default, Step s2 = default)
    {
        var e = pool.Count > 0 ? pool.Pop() : new StepSequence(pool);
        e._s0 = s0;
        e._s1 = s1;
        e._s2 = s2;
        e._count = count;
        e._next = 0;
        return e.Begin();
    }

    public override bool MoveNext()
    {
        if (_next >= _count)
        {
            return false;
        }

        return Yield(_next++ switch
        {
            0 => _s0,
            1 => _s1,
            _ => _s2,
        });
    }

    protected override void Clear()
    {
        _s0 = default;
        _s1 = default;
        _s2 = default;
        _count = 0;
    }
}
