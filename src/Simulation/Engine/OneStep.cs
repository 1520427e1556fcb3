using System.Collections;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// A function whose body is one step (the wait inside <c>synchronize_rcu</c>), as a coroutine taken from a
/// scheduler's pool and returned to it when the thread pops its frame (<see cref="Scheduler.One"/>): a called wait
/// then allocates nothing, where an iterator cost an object per call (issue 16, churn allocations).
/// </summary>
internal sealed class OneStep : IEnumerable<Step>, IEnumerator<Step>
{
    private readonly Stack<OneStep> _pool;
    private Step _step;
    private bool _yielded;
    private bool _rented;

    private OneStep(Stack<OneStep> pool) => _pool = pool;

    public Step Current { get; private set; }

    object IEnumerator.Current => Current;

    public static OneStep Rent(Stack<OneStep> pool, Step step)
    {
        var e = pool.Count > 0 ? pool.Pop() : new OneStep(pool);
        e._step = step;
        e._yielded = false;
        e._rented = true;
        e.Current = default;
        return e;
    }

    public bool MoveNext()
    {
        if (_yielded)
        {
            return false;
        }

        _yielded = true;
        Current = _step;
        return true;
    }

    /// <summary>Back to the pool (once; a second call does nothing).</summary>
    public void Dispose()
    {
        if (_rented)
        {
            _rented = false;
            _step = default;
            _pool.Push(this);
        }
    }

    public void Reset() => throw new NotSupportedException();

    public IEnumerator<Step> GetEnumerator() => this;

    IEnumerator IEnumerable.GetEnumerator() => this;
}
