namespace NetnsPolicy.Simulation.Engine;

/// <summary>A kernel wait queue: threads sleep on it until <see cref="WakeAll"/>. Callers re-check their condition.</summary>
internal sealed class WaitQueue(Scheduler scheduler)
{
    private readonly List<KThread> _waiters = [];

    public int Count => _waiters.Count;

    public void Add(KThread t) => _waiters.Add(t);

    public void WakeAll()
    {
        if (_waiters.Count == 0)
        {
            return;
        }

        foreach (var t in _waiters)
        {
            scheduler.Wake(t);
        }

        _waiters.Clear();
    }
}
