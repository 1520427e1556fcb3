namespace NetnsPolicy.Simulation.Engine;

/// <summary>Receives the events it scheduled.</summary>
internal interface IEventTarget
{
    void Fire(int kind, long version);
}

/// <summary>
/// The future event list. Events fire in (time, insertion sequence) order, so simultaneous events are ordered by
/// when they were scheduled: explicit, deterministic tie-breaking.
/// </summary>
internal sealed class EventQueue
{
    private readonly PriorityQueue<Event, EventKey> _heap = new(1024);
    private long _sequence;

    public int Count => _heap.Count;

    public long Processed { get; private set; }

    /// <summary>Counts an event that completed without going through the heap (see <see cref="Scheduler"/>).</summary>
    public void CountInline() => Processed++;

    public void Schedule(long time, IEventTarget target, int kind, long version = 0)
    {
        _heap.Enqueue(new Event(target, kind, version), new EventKey(time, _sequence++));
    }

    /// <summary>Pops the next event; returns false when none is left.</summary>
    public bool TryDequeue(out long time, out Event evt)
    {
        if (_heap.TryDequeue(out evt, out var key))
        {
            time = key.Time;
            Processed++;
            return true;
        }

        time = 0;
        return false;
    }

    public bool TryPeekTime(out long time)
    {
        if (_heap.TryPeek(out _, out var key))
        {
            time = key.Time;
            return true;
        }

        time = 0;
        return false;
    }

    internal readonly record struct Event(IEventTarget Target, int Kind, long Version);

    private readonly record struct EventKey(long Time, long Sequence) : IComparable<EventKey>
    {
        public int CompareTo(EventKey other)
        {
            var c = Time.CompareTo(other.Time);
            return c != 0 ? c : Sequence.CompareTo(other.Sequence);
        }
    }
}
