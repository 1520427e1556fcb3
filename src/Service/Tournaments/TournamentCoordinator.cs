using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.PluginHost;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Workloads;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;
using Tournament = NetnsPolicy.Tournaments.Definition.Tournament;
using TournamentMessage = NetnsPolicy.Contracts.V1.Tournament;
using TournamentProgressMessage = NetnsPolicy.Contracts.V1.TournamentProgress;

namespace NetnsPolicy.Service.Tournaments;

/// <summary>
/// Runs tournaments with the tournament library's runner over the service's scheduler; keeps them in memory (the last
/// <see cref="KeptFinished"/> finished ones) for Get and Watch.
/// </summary>
internal sealed partial class TournamentCoordinator(
    IRunScheduler scheduler,
    IPolicyCatalog catalog,
    RunPlanner planner,
    TimeProvider time,
    IOptions<ServiceOptions> options,
    ILogger<TournamentCoordinator> logger) : IDisposable
{
    private const int KeptFinished = 100;
    private static readonly TimeSpan MaxBudget = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<string, LiveTournament> _tournaments = new(StringComparer.Ordinal);
    private readonly ServiceOptions _options = options.Value;
    private int _running;

    public TournamentMessage Start(StartTournamentRequest request, string client = "")
    {
        if (request.TournamentJson.Length == 0)
        {
            throw new InputValidationException("tournament_json", "must be set to the tournament file's JSON text");
        }

        var durationErrors = new List<FieldError>();
        if (request.TimeBudget is { } d && !RunPlanner.CheckDuration(d, "time_budget", MaxBudget, durationErrors))
        {
            throw new InputValidationException(durationErrors);
        }

        if (request.TimeBudget is { } b && (b.ToTimeSpan() <= TimeSpan.Zero || b.ToTimeSpan() > MaxBudget))
        {
            throw new InputValidationException("time_budget", $"must be positive and at most {MaxBudget.TotalHours} h, or unset");
        }

        Tournament tournament;
        try
        {
            tournament = TournamentLoader.Parse(request.TournamentJson, baseDirectory: null, catalog);
        }
        catch (InputValidationException e)
        {
            throw new InputValidationException(e.Errors
                .Select(f => new FieldError(f.Field is "$" or "" ? "tournament_json" : "tournament_json." + f.Field, f.Message)).ToList());
        }

        for (var i = 0; i < tournament.Tracks.Count; i++)
        {
            try
            {
                planner.CheckWorkloadSize(WorkloadLoader.Parse(tournament.Tracks[i].WorkloadJson));
            }
            catch (LimitExceededException e)
            {
                throw new LimitExceededException($"tournament_json.tracks[{i}].{e.Subject}", e.Description);
            }
        }

        var simulations = (long)tournament.Tracks.Count * tournament.Entries.Count * tournament.Replications;
        if (simulations > _options.MaxSimulationsPerTournament)
        {
            var field = tournament.Replications >= tournament.Entries.Count && tournament.Replications >= tournament.Tracks.Count ? "tournament_json.replications"
                : tournament.Entries.Count >= tournament.Tracks.Count ? "tournament_json.policies" : "tournament_json.tracks";
            throw new LimitExceededException(field,
                $"the tournament has {simulations} simulations ({tournament.Tracks.Count} tracks × {tournament.Entries.Count} entries × {tournament.Replications} replications); this service accepts at most {_options.MaxSimulationsPerTournament}");
        }

        MemoryGuard.ThrowIfOverLimit(_options);
        if (Interlocked.Increment(ref _running) > _options.MaxConcurrentTournaments)
        {
            Interlocked.Decrement(ref _running);
            throw new LimitExceededException("tournaments", $"{_options.MaxConcurrentTournaments} tournaments are running; this service runs at most {_options.MaxConcurrentTournaments} at once, retry later");
        }

        var now = time.GetUtcNow();
        var id = RunIds.New(now);
        var live = new LiveTournament(id, tournament.Name, now, tournament.Tracks.Count * tournament.Entries.Count * tournament.Replications);
        _tournaments[id] = live;
        Log.TournamentStarted(logger, id, tournament.Name, tournament.Entries.Count, tournament.Tracks.Count);
        _ = Task.Run(() => ExecuteAsync(live, tournament, request.TimeBudget?.ToTimeSpan(), client));
        return live.ToMessage();
    }

    public TournamentMessage Get(string id) => Find(id).ToMessage();

    public TournamentMessage Cancel(string id)
    {
        var live = Find(id);
        live.Cancellation.Cancel();
        return live.ToMessage();
    }

    /// <summary>Progress until the tournament has finished; the last message carries the final tournament.</summary>
    public async IAsyncEnumerable<TournamentProgressMessage> Watch(string id, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var live = Find(id);
        while (true)
        {
            var changed = live.Changed;
            var progress = live.ToProgress(time.GetUtcNow());
            yield return progress;
            if (progress.FinalTournament is not null)
            {
                yield break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        foreach (var live in _tournaments.Values)
        {
            live.Cancellation.Cancel();
        }
    }

    private LiveTournament Find(string id) =>
        _tournaments.TryGetValue(id, out var live) ? live : throw new TournamentNotFoundException(id);

    private async Task ExecuteAsync(LiveTournament live, Tournament tournament, TimeSpan? budget, string client)
    {
        try
        {
            var runner = new TournamentRunner(
                new SchedulerRunExecutor(scheduler, catalog, live.Id, time, _options.SimulationBudget, client),
                new TournamentRunnerOptions { MaxParallelism = _options.EffectiveConcurrency, TimeBudget = budget, TimeProvider = time });
            var result = await runner.RunAsync(tournament, new ProgressSink(live, time), live.Cancellation.Token).ConfigureAwait(false);
            var state = result.AnyGateFailed ? TournamentState.GateFailed : TournamentState.Passed;
            live.Finish(state, result.AnyGateFailed ? "at least one gate failed" : "", result, time.GetUtcNow());
            Log.TournamentFinished(logger, live.Id, state);
        }
        catch (OperationCanceledException) when (live.Cancellation.IsCancellationRequested)
        {
            live.Finish(TournamentState.Cancelled, "cancelled by request", null, time.GetUtcNow());
            Log.TournamentFinished(logger, live.Id, TournamentState.Cancelled);
        }
        catch (Exception e)
        {
            Log.TournamentFailed(logger, e, live.Id);
            live.Finish(TournamentState.Failed, e.Message, null, time.GetUtcNow());
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            ForgetOldest();
        }
    }

    private void ForgetOldest()
    {
        var finished = _tournaments.Values.Where(t => t.IsFinished).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        foreach (var old in finished.Take(Math.Max(0, finished.Count - KeptFinished)))
        {
            _tournaments.TryRemove(old.Id, out _);
        }
    }

    /// <summary>Applies the runner's progress synchronously (no synchronization context to post to).</summary>
    private sealed class ProgressSink(LiveTournament live, TimeProvider time) : IProgress<NetnsPolicy.Tournaments.Execution.TournamentProgress>
    {
        public void Report(NetnsPolicy.Tournaments.Execution.TournamentProgress value) => live.Progressed(value.Completed, value.Planned, time.GetUtcNow());
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Information, "Tournament {TournamentId} ({Name}) started: {Entries} entries on {Tracks} tracks")]
        public static partial void TournamentStarted(ILogger logger, string tournamentId, string name, int entries, int tracks);

        [LoggerMessage(31, LogLevel.Information, "Tournament {TournamentId} finished: {State}")]
        public static partial void TournamentFinished(ILogger logger, string tournamentId, TournamentState state);

        [LoggerMessage(32, LogLevel.Error, "Tournament {TournamentId} failed")]
        public static partial void TournamentFailed(ILogger logger, Exception error, string tournamentId);
    }
}
