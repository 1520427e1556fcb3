using System.Collections;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// A hand-written kernel-function coroutine that a simulation reuses: taken from its pool when called, returned when
/// the thread pops its frame (<see cref="KThread.Pop"/> disposes it exactly once), so a hot call allocates nothing where
/// a compiler iterator cost an object per call (issue 16, churn allocations). A subclass sets its fields, calls
/// <see cref="Begin"/>, and in <see cref="MoveNext"/> produces each step at the moment the iterator it replaces did.
/// </summary>
internal abstract class PooledCoroutine<T> : IEnumerable<Step>, IEnumerator<Step>
    where T : PooledCoroutine<T>
{
    private readonly Stack<T> _pool;
    private bool _rented;

    protected PooledCoroutine(Stack<T> pool) => _pool = pool;

    public Step Current { get; private set; }

    object IEnumerator.Current => Current;

    public abstract bool MoveNext();

    /// <summary>Back to the pool (once; a second call does nothing).</summary>
    public void Dispose()
    {
        if (_rented)
        {
            _rented = false;
            Current = default;
            Clear();
            _pool.Push((T)this);
        }
    }

    public void Reset() => throw new NotSupportedException();

    public IEnumerator<Step> GetEnumerator() => this;

    IEnumerator IEnumerable.GetEnumerator() => this;

    /// <summary>Marks the coroutine in use, before its first step.</summary>
    protected T Begin()
    {
        _rented = true;
        Current = default;
        return (T)this;
    }

    /// <summary>Drops what the coroutine references (a batch, a device) so the pool holds nothing alive.</summary>
    protected abstract void Clear();

    protected bool Yield(Step step)
    {
        Current = step;
        return true;
    }
}
