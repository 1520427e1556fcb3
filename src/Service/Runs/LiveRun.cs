using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Runs;

/// <summary>
/// The in-memory state of a run between acceptance and its terminal state: which simulations are done or running,
/// their latest progress, and a signal watchers await. Every member is safe to call from any thread.
/// </summary>
internal sealed class LiveRun : IDisposable
{
    private readonly Lock _gate = new();
    private readonly bool[] _done;
    private readonly bool[] _fromStore;
    private readonly Dictionary<int, SimulationProgress> _running = [];
    private TaskCompletionSource _changed = NewSignal();
    private long _version;
    private RunState _state;
    private string _detail = "";
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _finishedAt;
    private int _finalizing;

    public LiveRun(string id, RunPlan plan, DateTimeOffset createdAt, IReadOnlySet<int> done, IReadOnlySet<int> fromStore, DateTimeOffset? startedAt)
    {
        Id = id;
        Plan = plan;
        CreatedAt = createdAt;
        _done = new bool[plan.Simulations.Count];
        _fromStore = new bool[plan.Simulations.Count];
        foreach (var i in done)
        {
            _done[i] = true;
        }

        foreach (var i in fromStore)
        {
            _fromStore[i] = true;
        }

        _startedAt = startedAt;
        _state = startedAt is null ? RunState.Queued : RunState.Running;
    }

    public string Id { get; }

    public RunPlan Plan { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>Cancelled by CancelRun or the run's timeout.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>True once CancelRun asked (as opposed to the timeout firing).</summary>
    public bool CancelRequested { get; set; }

    /// <summary>Who submitted the run (<c>key:PRINCIPAL</c> or <c>peer:ADDRESS</c>, see <see cref="RunOwnership"/>).</summary>
    public string Owner { get; init; } = "";

    /// <summary>The first fault of a simulation, which fails the run.</summary>
    public string? Fault { get; private set; }

    /// <summary>True once the run is terminal or being made so; further worker callbacks are ignored.</summary>
    public bool IsFinalizing => Volatile.Read(ref _finalizing) != 0;

    /// <summary>Claims the right to finalize: true for exactly one caller.</summary>
    public bool TryBeginFinalize() => Interlocked.Exchange(ref _finalizing, 1) == 0;

    public int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Marks a simulation started; true when it is the run's first (the run becomes RUNNING).</summary>
    public bool Started(int index, DateTimeOffset now)
    {
        bool first;
        lock (_gate)
        {
            _running[index] = new SimulationProgress("starting", 0, 0, 0);
            first = _startedAt is null;
            _startedAt ??= now;
            _state = RunState.Running;
        }

        Signal();
        return first;
    }

    public void Progress(int index, SimulationProgress progress)
    {
        lock (_gate)
        {
            if (!_running.ContainsKey(index))
            {
                return;
            }

            _running[index] = progress;
        }

        Signal();
    }

    /// <summary>A simulation ended; <paramref name="done"/> is false when it was cancelled (no result).</summary>
    public void Ended(int index, bool done)
    {
        lock (_gate)
        {
            _running.Remove(index);
            _done[index] |= done;
        }

        Signal();
    }

    public void Faulted(int index, string message)
    {
        lock (_gate)
        {
            _running.Remove(index);
            Fault ??= message;
        }

        Signal();
    }

    public void Terminate(RunState state, string detail, DateTimeOffset at)
    {
        lock (_gate)
        {
            _state = state;
            _detail = detail;
            _finishedAt = at;
            _running.Clear();
        }

        Signal();
    }

    /// <summary>Completes when anything changes after this call.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>Counts the changes watchers were signalled (what a cluster's long poll compares, docs/cluster.md).</summary>
    public long Version => Interlocked.Read(ref _version);

    public bool IsDone(int index)
    {
        lock (_gate)
        {
            return _done[index];
        }
    }

    /// <summary>The run as the service shows it now.</summary>
    public RunSnapshot ToSnapshot()
    {
        lock (_gate)
        {
            return new RunSnapshot(Id, Plan.Kind, _state, _detail, Plan.WorkloadName, Plan.KernelProfile, Plan.Baseline,
                [.. Plan.Contenders.Select(c => c.Label)], Plan.Request.Description, Plan.RequestHash, CreatedAt, _startedAt, _finishedAt,
                _done.Length, _done.Count(d => d), _fromStore.Count(d => d));
        }
    }

    /// <summary>A progress message for watchers.</summary>
    public RunProgressUpdate ToProgress(DateTimeOffset now)
    {
        lock (_gate)
        {
            var total = Math.Max(1, _done.Length);
            var doneCount = _done.Count(d => d);
            var lead = _running.Values.OrderByDescending(p => p.FractionDone).FirstOrDefault();
            var fraction = Math.Clamp((doneCount + _running.Values.Sum(p => Math.Clamp(p.FractionDone, 0, 1))) / total, 0, 1);
            var terminal = _state is not (RunState.Queued or RunState.Running);
            TimeSpan? eta = null;
            if (!terminal && _startedAt is { } started && fraction > 0)
            {
                var elapsed = now - started;
                eta = TimeSpan.FromTicks((long)(elapsed.Ticks * (1 - fraction) / fraction));
            }

            return new RunProgressUpdate(
                Id,
                _state,
                _running.Count > 0 ? lead.Phase : StoreNames.Of(_state),
                _running.Count > 0 ? lead.SimulatedNs : 0,
                _state == RunState.Succeeded ? 1 : fraction,
                doneCount,
                _done.Length,
                _running.Values.Sum(p => p.Events),
                eta,
                FinalRun: null);
        }
    }

    /// <summary>Disarms the timeout timer of a finished run (the source itself may still be read by workers, so it is not disposed here).</summary>
    public void DisarmTimeout()
    {
        try
        {
            Cancellation.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Already disposed at shutdown: nothing left to disarm.
        }
    }

    public void Dispose() => Cancellation.Dispose();

    private void Signal()
    {
        // The version first: a waiter that read the old signal and then this version returns at once.
        Interlocked.Increment(ref _version);
        Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
