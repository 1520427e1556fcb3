namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// A sleeping lock with FIFO waiters: a reader-writer semaphore, of which a mutex is the write-only use. A waiting
/// writer blocks later readers (no writer starvation), as the kernel's rwsem hand-off does.
/// </summary>
internal sealed class SleepLock(string name, Scheduler scheduler)
{
    private readonly Queue<(KThread Thread, bool Write)> _waiters = new();
    private long _holdStart;

    public string Name { get; } = name;

    public KThread? Writer { get; private set; }

    public int Readers { get; private set; }

    public int WaiterCount => _waiters.Count;

    public long Acquisitions { get; private set; }

    public long Contended { get; private set; }

    public long HoldTotalNs { get; private set; }

    public long HoldMaxNs { get; private set; }

    public long WaitTotalNs { get; private set; }

    public long WaitMaxNs { get; private set; }

    /// <summary>Invoked when a thread is granted the lock (after waiting or not): (thread, write).</summary>
    public Action<KThread, bool>? OnGranted { get; set; }

    /// <summary>Longest current wait.</summary>
    public long OldestWaitNs(long now)
    {
        if (_waiters.Count == 0)
        {
            return 0;
        }

        return now - _waiters.Peek().Thread.WaitStart;
    }

    /// <summary>Takes the lock or queues the thread; returns true when taken at once.</summary>
    public bool Acquire(KThread t, bool write, long now)
    {
        if (_waiters.Count == 0 && CanGrant(write))
        {
            Grant(t, write, now, waited: false);
            return true;
        }

        t.WaitStart = now;
        Contended++;
        _waiters.Enqueue((t, write));
        return false;
    }

    public void Release(KThread t, bool write, long now)
    {
        if (write)
        {
            if (!ReferenceEquals(Writer, t))
            {
                throw new InvalidOperationException($"{t} releases {Name} held by {Writer?.Name ?? "nobody"}");
            }

            Writer = null;
        }
        else
        {
            if (Readers <= 0)
            {
                throw new InvalidOperationException($"{t} releases {Name} for read while no reader holds it");
            }

            Readers--;
        }

        if (Writer is null && Readers == 0)
        {
            var held = now - _holdStart;
            HoldTotalNs += held;
            HoldMaxNs = Math.Max(HoldMaxNs, held);
        }

        while (_waiters.Count > 0 && CanGrant(_waiters.Peek().Write))
        {
            var (next, w) = _waiters.Dequeue();
            Grant(next, w, now, waited: true);
            scheduler.Wake(next);
            if (w)
            {
                break;
            }
        }
    }

    private bool CanGrant(bool write) => write ? Writer is null && Readers == 0 : Writer is null;

    private void Grant(KThread t, bool write, long now, bool waited)
    {
        if (Writer is null && Readers == 0)
        {
            _holdStart = now;
        }

        if (write)
        {
            Writer = t;
        }
        else
        {
            Readers++;
        }

        Acquisitions++;
        if (waited)
        {
            var w = now - t.WaitStart;
            WaitTotalNs += w;
            WaitMaxNs = Math.Max(WaitMaxNs, w);
        }

        OnGranted?.Invoke(t, write);
    }
}
