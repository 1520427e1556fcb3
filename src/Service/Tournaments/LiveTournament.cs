using Google.Protobuf.WellKnownTypes;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Tournaments;
using TournamentMessage = NetnsPolicy.Contracts.V1.Tournament;

namespace NetnsPolicy.Service.Tournaments;

/// <summary>A tournament's state while it runs and after: counts, outcome, and a signal watchers await. Thread-safe.</summary>
internal sealed class LiveTournament(string id, string name, DateTimeOffset createdAt, int planned)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();
    private TournamentState _state = TournamentState.Running;
    private string _detail = "";
    private int _done;
    private int _planned = planned;
    private DateTimeOffset? _finishedAt;
    private DateTimeOffset? _startedAt;
    private TournamentMessage? _final;

    public string Id { get; } = id;

    /// <summary>Who started it (<see cref="Runs.RunOwnership"/>).</summary>
    public string Owner { get; init; } = "";

    public CancellationTokenSource Cancellation { get; } = new();

    public Task Changed => Volatile.Read(ref _changed).Task;

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
        var message = Snapshot(state, detail, now);
        if (result is not null)
        {
            message.BudgetExhausted = result.BudgetExhausted;
            message.SimulationsDone = result.RunsCompleted;
            message.SimulationsTotal = result.RunsPlanned;
            var heldOut = result.HeldOutRanking.ToDictionary(r => r.Entry, r => r.Score ?? 0, StringComparer.Ordinal);
            message.Ranking.Add(result.Ranking.Select(r => new TournamentStanding
            {
                Rank = r.Rank ?? 0,
                Contender = r.Entry,
                Score = r.Score ?? 0,
                Stability = r.WinShare,
                HeldOutScore = heldOut.GetValueOrDefault(r.Entry),
                Disqualified = r.Disqualified,
                Note = r.Note,
            }));
            message.Gates.Add(result.Gates.Select(g => new GateResult
            {
                Gate = g.Gate,
                Contender = g.Entry,
                Track = g.Track,
                Passed = g.Status == GateStatus.Pass,
                Status = g.Status,
                Detail = g.Message,
            }));
            message.Markdown = TournamentRenderer.ToMarkdown(result);
            message.Json = TournamentRenderer.ToJson(result);
            message.JunitXml = TournamentRenderer.ToJUnit(result);
            message.Html = TournamentRenderer.ToHtml(result);
        }

        lock (_gate)
        {
            _state = state;
            _detail = detail;
            _finishedAt = now;
            _final = message;
        }

        Signal();
    }

    /// <summary>The tournament now; once finished, the final message with its results.</summary>
    public TournamentMessage ToMessage()
    {
        lock (_gate)
        {
            return _final?.Clone() ?? Snapshot(_state, _detail, null);
        }
    }

    public TournamentProgress ToProgress(DateTimeOffset now)
    {
        lock (_gate)
        {
            var progress = new TournamentProgress
            {
                TournamentId = Id,
                State = _state,
                SimulationsDone = _done,
                SimulationsTotal = _planned,
                FractionDone = _final is not null ? 1 : _planned == 0 ? 0 : (double)_done / _planned,
                FinalTournament = _final?.Clone(),
            };
            if (_final is null && _startedAt is { } started && _done > 0 && _planned > _done)
            {
                var elapsed = now - started;
                progress.Eta = Duration.FromTimeSpan(elapsed * ((double)(_planned - _done) / _done));
            }

            return progress;
        }
    }

    private TournamentMessage Snapshot(TournamentState state, string detail, DateTimeOffset? finishedAt)
    {
        lock (_gate)
        {
            var message = new TournamentMessage
            {
                Id = Id,
                Name = name,
                State = state,
                StatusDetail = detail,
                CreatedAt = Timestamp.FromDateTimeOffset(createdAt),
                SimulationsDone = _done,
                SimulationsTotal = _planned,
            };
            if ((finishedAt ?? _finishedAt) is { } f)
            {
                message.FinishedAt = Timestamp.FromDateTimeOffset(f);
            }

            return message;
        }
    }

    private void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
