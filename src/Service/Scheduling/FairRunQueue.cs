namespace NetnsPolicy.Service.Scheduling;

/// <summary>
/// The admission and ordering every scheduler shares (docs/service.md, docs/cluster.md): a bounded set of admitted runs
/// whose simulations wait in one FIFO per client (<see cref="ScheduledRun.Client"/>), taken in turns. A client with a
/// thousand queued simulations gets one, then goes to the back of the line behind every other client. Where a taken
/// simulation executes — a worker thread of this process (<see cref="LocalRunScheduler"/>) or a grain on any silo of a
/// cluster — is the scheduler's business; it calls <see cref="Finish"/> once per taken simulation.
/// </summary>
public sealed class FairRunQueue : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<QueuedSimulation>> _queues = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _turns = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly int _capacity;
    private int _active;

    /// <param name="capacity">Runs admitted and not drained at most (<c>MaxQueuedRuns</c>).</param>
    public FairRunQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Runs admitted and not yet drained.</summary>
    public int ActiveRuns => Volatile.Read(ref _active);

    /// <summary>Room for one run, or null when <c>capacity</c> runs are admitted and not drained.</summary>
    public IRunReservation? TryReserve()
    {
        while (true)
        {
            var active = Volatile.Read(ref _active);
            if (active >= _capacity)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref _active, active + 1, active) == active)
            {
                return new Reservation(this);
            }
        }
    }

    /// <summary>Waits for the next simulation of the client whose turn it is; that client goes to the back of the line.</summary>
    public async Task<QueuedSimulation> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (TryTake(out var item))
            {
                return item;
            }
        }
    }

    /// <summary>
    /// A taken simulation has ended (executed, faulted or skipped because its run was cancelled). The call that ends a
    /// run's last one frees the run's room and tells its observer <see cref="IRunObserver.Drained"/>.
    /// </summary>
    public void Finish(QueuedSimulation item)
    {
        if (item.Remaining.Decrement())
        {
            Interlocked.Decrement(ref _active);
            item.Run.Observer.Drained();
        }
    }

    private void Admit(ScheduledRun run)
    {
        if (run.Simulations.Count == 0)
        {
            Interlocked.Decrement(ref _active);
            run.Observer.Drained();
            return;
        }

        var remaining = new Countdown(run.Simulations.Count);
        lock (_gate)
        {
            if (!_queues.TryGetValue(run.Client, out var queue))
            {
                queue = new Queue<QueuedSimulation>();
                _queues[run.Client] = queue;
                _turns.AddLast(run.Client);
            }

            foreach (var (index, input) in run.Simulations)
            {
                queue.Enqueue(new QueuedSimulation(run, index, input, remaining));
            }
        }

        _available.Release(run.Simulations.Count);
    }

    private bool TryTake(out QueuedSimulation item)
    {
        lock (_gate)
        {
            if (_turns.First is not { } first)
            {
                item = null!;
                return false;
            }

            var queue = _queues[first.Value];
            item = queue.Dequeue();
            _turns.RemoveFirst();
            if (queue.Count > 0)
            {
                _turns.AddLast(first);
            }
            else
            {
                _queues.Remove(first.Value);
            }

            return true;
        }
    }

    public void Dispose() => _available.Dispose();

    private sealed class Reservation(FairRunQueue owner) : IRunReservation
    {
        private int _state; // 0 reserved, 1 started, 2 released

        public void Start(ScheduledRun run)
        {
            if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            {
                throw new InvalidOperationException("The reservation was already used or released.");
            }

            owner.Admit(run);
        }

        public void Dispose()
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                Interlocked.Decrement(ref owner._active);
            }
        }
    }
}

/// <summary>One simulation of an admitted run, taken from a <see cref="FairRunQueue"/>.</summary>
/// <param name="Run">The run it belongs to (its observer and cancellation).</param>
/// <param name="Index">Its index in the run.</param>
/// <param name="Input">What to execute.</param>
public sealed record QueuedSimulation(ScheduledRun Run, int Index, SimulationInput Input)
{
    internal QueuedSimulation(ScheduledRun run, int index, SimulationInput input, Countdown remaining)
        : this(run, index, input) => Remaining = remaining;

    internal Countdown Remaining { get; } = new(1);
}

/// <summary>Simulations of a run not yet ended.</summary>
internal sealed class Countdown(int count)
{
    private int _count = count;

    /// <summary>True for the call that brings the count to zero.</summary>
    public bool Decrement() => Interlocked.Decrement(ref _count) == 0;
}
