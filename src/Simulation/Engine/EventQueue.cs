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
/// The heap is this class's own binary heap rather than <see cref="PriorityQueue{TElement, TPriority}"/>: the
/// framework's generic over the engine's structs cannot be precompiled into this assembly (ReadyToRun's version
/// bubble), and its dozen methods were tier-0 JIT compilations in every process (docs/benchmarks.md, "Issue 16, fifth
/// round"). The (time, sequence) keys are unique, so any correct heap pops them in the same order.
/// </summary>
internal sealed class EventQueue
{
    private readonly RingQueue<Scheduled> _now = new(256);
    private Scheduled[] _heap = new Scheduled[1024];
    private int _heapCount;
    private long _sequence;
    private long _current;

    public int Count => _heapCount + _now.Count;

    public long Processed { get; private set; }

    /// <summary>Counts an event that completed without going through the queue (see <see cref="Scheduler"/>).</summary>
    public void CountInline() => Processed++;

    /// <summary>Tells the queue that simulated time moved to <paramref name="time"/> outside <see cref="TryDequeue"/>.</summary>
    public void AdvanceTo(long time) => _current = time;

    public void Schedule(long time, IEventTarget target, int kind, long version = 0)
    {
        var entry = new Scheduled(new Event(target, kind, version), time, _sequence++);
        if (time == _current)
        {
            _now.Enqueue(entry);
        }
        else
        {
            Push(entry);
        }
    }

    /// <summary>Pops the next event; returns false when none is left.</summary>
    public bool TryDequeue(out long time, out Event evt)
    {
        if (_now.Count > 0 && !(_heapCount > 0 && _heap[0].Time == _current && _heap[0].Sequence < _now.Peek().Sequence))
        {
            evt = _now.Dequeue().Event;
            time = _current;
            Processed++;
            return true;
        }

        if (_heapCount > 0)
        {
            var top = PopRoot();
            evt = top.Event;
            time = _current = top.Time;
            Processed++;
            return true;
        }

        evt = default;
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

        if (_heapCount > 0)
        {
            time = _heap[0].Time;
            return true;
        }

        time = 0;
        return false;
    }

    private void Push(Scheduled entry)
    {
        if (_heapCount == _heap.Length)
        {
            Arrays.Resize(ref _heap, _heap.Length * 2);
        }

        // Sift up: move parents that come after the new entry down until its slot is found.
        var i = _heapCount++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Before(entry, _heap[parent]))
            {
                break;
            }

            _heap[i] = _heap[parent];
            i = parent;
        }

        _heap[i] = entry;
    }

    private Scheduled PopRoot()
    {
        var root = _heap[0];
        var last = _heap[--_heapCount];
        _heap[_heapCount] = default;
        if (_heapCount > 0)
        {
            // Sift the last entry down from the root: move the earlier child up until its slot is found.
            var i = 0;
            while (true)
            {
                var child = (2 * i) + 1;
                if (child >= _heapCount)
                {
                    break;
                }

                if (child + 1 < _heapCount && Before(_heap[child + 1], _heap[child]))
                {
                    child++;
                }

                if (!Before(_heap[child], last))
                {
                    break;
                }

                _heap[i] = _heap[child];
                i = child;
            }

            _heap[i] = last;
        }

        return root;
    }

    private static bool Before(in Scheduled a, in Scheduled b) => a.Time < b.Time || (a.Time == b.Time && a.Sequence < b.Sequence);

    internal readonly record struct Event(IEventTarget Target, int Kind, long Version);

    private readonly record struct Scheduled(Event Event, long Time, long Sequence);
}
