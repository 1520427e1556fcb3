using NetnsPolicy.Tournaments;

namespace NetnsPolicy.Service.Tournaments;

/// <summary>A tournament's state while it runs and after: counts, outcome, and a signal watchers await. Thread-safe.</summary>
internal sealed class LiveTournament(string id, string name, DateTimeOffset createdAt, int planned)
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _finished = NewSignal();
    private TaskCompletionSource _changed = NewSignal();
    private TournamentState _state = TournamentState.Running;
    private string _detail = "";
    private int _done;
    private int _planned = planned;
    private DateTimeOffset? _finishedAt;
    private DateTimeOffset? _startedAt;
    private TournamentSnapshot? _final;
    private long _version;

    public string Id { get; } = id;

    /// <summary>Who started it (<see cref="Runs.RunOwnership"/>).</summary>
    public string Owner { get; init; } = "";

    public CancellationTokenSource Cancellation { get; } = new();

    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>Completes once the outcome is recorded (<see cref="Finish"/>).</summary>
    public Task Finished => _finished.Task;

    /// <summary>Counts the changes watchers were signalled (what a cluster's long poll compares, docs/cluster.md).</summary>
    public long Version => Interlocked.Read(ref _version);

    public bool IsFinished
    {
        get
        {
            lock (_gate)
            {
                return _final is not null;
            }
        }
    }

    public void Progressed(int done, int planned, DateTimeOffset now)
    {
        lock (_gate)
        {
            _startedAt ??= now;
            _done = done;
            _planned = planned;
        }

        Signal();
    }

    /// <summary>Records the outcome and renders the artifacts once.</summary>
    public void Finish(TournamentState state, string detail, TournamentResult? result, DateTimeOffset now)
    {
        var snapshot = Snapshot(state, detail, now);
        if (result is not null)
        {
            var heldOut = result.HeldOutRanking.ToDictionary(r => r.Entry, r => r.Score ?? 0, StringComparer.Ordinal);
            snapshot = snapshot with
            {
                BudgetExhausted = result.BudgetExhausted,
                SimulationsDone = result.RunsCompleted,
                SimulationsTotal = result.RunsPlanned,
                Ranking = [.. result.Ranking.Select(r => new TournamentStanding(r.Rank ?? 0, r.Entry, r.Score ?? 0, r.WinShare, heldOut.GetValueOrDefault(r.Entry), r.Disqualified, r.Note))],
                Gates = [.. result.Gates.Select(g => new TournamentGateOutcome(g.Gate, g.Entry, g.Track, g.Status == GateStatus.Pass, g.Status, g.Message))],
                Markdown = TournamentRenderer.ToMarkdown(result),
                Json = TournamentRenderer.ToJson(result),
                JunitXml = TournamentRenderer.ToJUnit(result),
                Html = TournamentRenderer.ToHtml(result),
            };
        }

        lock (_gate)
        {
            _state = state;
            _detail = detail;
            _finishedAt = now;
            _final = snapshot;
        }

        Signal();
        _finished.TrySetResult();
    }

    /// <summary>The tournament now; once finished, the final message with its results.</summary>
    public TournamentSnapshot ToSnapshot()
    {
        lock (_gate)
        {
            return _final ?? Snapshot(_state, _detail, null);
        }
    }

    public TournamentProgressUpdate ToProgress(DateTimeOffset now)
    {
        lock (_gate)
        {
            TimeSpan? eta = null;
            if (_final is null && _startedAt is { } started && _done > 0 && _planned > _done)
            {
                eta = (now - started) * ((double)(_planned - _done) / _done);
            }

            return new TournamentProgressUpdate(Id, _state, _done, _planned, _final is not null ? 1 : _planned == 0 ? 0 : (double)_done / _planned, eta, _final);
        }
    }

    private TournamentSnapshot Snapshot(TournamentState state, string detail, DateTimeOffset? finishedAt)
    {
        lock (_gate)
        {
            return new TournamentSnapshot(Id, name, state, detail, createdAt, finishedAt ?? _finishedAt, _done, _planned);
        }
    }

    private void Signal()
    {
        // The version first: a waiter that read the old signal and then this version returns at once.
        Interlocked.Increment(ref _version);
        Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
