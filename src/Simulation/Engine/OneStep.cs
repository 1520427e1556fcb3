namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// A function whose body is one step (the wait inside <c>synchronize_rcu</c>), pooled by its scheduler
/// (<see cref="Scheduler.One"/>): a called wait allocates nothing, where an iterator cost an object per call.
/// </summary>
internal sealed class OneStep : PooledCoroutine<OneStep>
{
    private Step _step;
    private bool _yielded;

    private OneStep(Stack<OneStep> pool)
        : base(pool)
    {
    }

    public static OneStep Rent(Stack<OneStep> pool, Step step)
    {
        var e = pool.Count > 0 ? pool.Pop() : new OneStep(pool);
        e._step = step;
        e._yielded = false;
        return e.Begin();
    }

    public override bool MoveNext()
    {
        if (_yielded)
        {
            return false;
        }

        _yielded = true;
        return Yield(_step);
    }

    protected override void Clear() => _step = default;
}
