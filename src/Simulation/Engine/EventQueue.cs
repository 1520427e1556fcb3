namespace NetnsPolicy.Simulation.Engine;

/// <summary>Receives the events it scheduled.</summary>
internal interface IEventTarget
{
    void Fire(int kind, long version);
}

/// <summary>
/// The future event list. Events fire in (time, insertion sequence) order, so simultaneous events are ordered by
/// when they were scheduled: explicit, deterministic tie-breaking. Events for the current instant (wake-ups, CPU
/// hand-overs — about half of all events) go to a FIFO beside the heap; the merge by sequence keeps the same order.
/// </summary>
internal sealed class EventQueue
{
    private readonly PriorityQueue<Event, EventKey> _heap = new(1024);
    private readonly Queue<(Event Event, long Sequence)> _now = new(256);
    private long _sequence;
    private long _current;

    public int Count => _heap.Count + _now.Count;

    public long Processed { get; private set; }

    /// <summary>Counts an event that completed without going through the queue (see <see cref="Scheduler"/>).</summary>
    public void CountInline() => Processed++;

    /// <summary>Tells the queue that simulated time moved to <paramref name="time"/> outside <see cref="TryDequeue"/>.</summary>
    public void AdvanceTo(long time) => _current = time;

    public void Schedule(long time, IEventTarget target, int kind, long version = 0)
    {
        var evt = new Event(target, kind, version);
        if (time == _current)
        {
            _now.Enqueue((evt, _sequence++));
        }
        else
        {
            _heap.Enqueue(evt, new EventKey(time, _sequence++));
        }
    }

    /// <summary>Pops the next event; returns false when none is left.</summary>
    public bool TryDequeue(out long time, out Event evt)
    {
        if (_now.Count > 0 && !(_heap.TryPeek(out _, out var top) && top.Time == _current && top.Sequence < _now.Peek().Sequence))
        {
            evt = _now.Dequeue().Event;
            time = _current;
            Processed++;
            return true;
        }

        if (_heap.TryDequeue(out evt, out var key))
        {
            time = _current = key.Time;
            Processed++;
            return true;
        }

        time = 0;
        return false;
    }

    public bool TryPeekTime(out long time)
    {
        if (_now.Count > 0)
        {
            time = _current;
            return true;
        }

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
