using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NetnsPolicy.PluginHost;
using NetnsPolicy.Service.Api;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Workloads;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;
using Tournament = NetnsPolicy.Tournaments.Definition.Tournament;

namespace NetnsPolicy.Service.Tournaments;

/// <summary>
/// Runs tournaments with the tournament library's runner over the service's scheduler; keeps them in memory (the last
/// <see cref="KeptFinished"/> finished ones) for Get and Watch.
/// </summary>
internal sealed partial class TournamentCoordinator(
    IRunScheduler scheduler,
    IPolicyCatalog catalog,
    RunPlanner planner,
    IRunStore store,
    TimeProvider time,
    IOptions<ServiceOptions> options,
    ILogger<TournamentCoordinator> logger,
    IClusterFront? front = null) : IDisposable
{
    private const int KeptFinished = 100;
    private const int InFlightPerWorker = 2;
    private static readonly TimeSpan MaxBudget = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<string, LiveTournament> _tournaments = new(StringComparer.Ordinal);
    private readonly ServiceOptions _options = options.Value;
    private readonly Lock _adoptGate = new();
    private int _running;
    private volatile bool _stopping;

    /// <summary>Validates, stores and starts a tournament file (its JSON text) under an optional time budget.</summary>
    public TournamentSnapshot Start(string tournamentJson, RequestDuration? timeBudget, string client = "")
    {
        if (tournamentJson.Length == 0)
        {
            throw new InputValidationException("tournament_json", "must be set to the tournament file's JSON text");
        }

        var durationErrors = new List<FieldError>();
        if (timeBudget is { } d && !RunPlanner.CheckDuration(d, "time_budget", MaxBudget, durationErrors))
        {
            throw new InputValidationException(durationErrors);
        }

        if (timeBudget is { } b && (b.ToTimeSpan() <= TimeSpan.Zero || b.ToTimeSpan() > MaxBudget))
        {
            throw new InputValidationException("time_budget", $"must be positive and at most {MaxBudget.TotalHours} h, or unset");
        }

        Tournament tournament;
        try
        {
            tournament = TournamentLoader.Parse(tournamentJson, baseDirectory: null, catalog);
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
        store.ThrowIfUnwritable();
        if (Interlocked.Increment(ref _running) > _options.MaxConcurrentTournaments)
        {
            Interlocked.Decrement(ref _running);
            throw new LimitExceededException("tournaments", $"{_options.MaxConcurrentTournaments} tournaments are running; this service runs at most {_options.MaxConcurrentTournaments} at once, retry later");
        }

        var now = time.GetUtcNow();
        var id = RunIds.New(now);
        var total = tournament.Tracks.Count * tournament.Entries.Count * tournament.Replications;
        try
        {
            store.InsertTournament(new StoredTournament(id, tournament.Name, client, TournamentState.Running, "", tournamentJson,
                timeBudget?.ToTimeSpan(), total, now, null));
        }
        catch
        {
            Interlocked.Decrement(ref _running);
            throw;
        }

        store.TryHold(id);
        var live = new LiveTournament(id, tournament.Name, now, total) { Owner = client };
        _tournaments[id] = live;
        front?.Held(id, tournament: true);
        Log.TournamentStarted(logger, id, tournament.Name, tournament.Entries.Count, tournament.Tracks.Count);
        _ = Task.Run(() => ExecuteAsync(live, tournament, timeBudget?.ToTimeSpan(), client));
        return live.ToSnapshot();
    }

    /// <summary>
    /// At start: tournaments the store has. Unfinished ones (the process stopped or was killed) run again, every
    /// simulation already stored served from the store, so they end as an uninterrupted run would; the newest finished
    /// ones are rebuilt from their stored results (no simulation runs) so that Get and Watch give their artifacts. In a
    /// cluster nothing happens here: each silo's sweep takes unheld tournaments over through their grains, and a grain
    /// activated for a finished one rebuilds it there (<see cref="TryAdopt"/>).
    /// </summary>
    public void ResumeStored()
    {
        if (front is not null || !store.TryRecover())
        {
            return;
        }

        var stored = store.ListTournaments();
        var rebuild = stored.Where(t => t.State != TournamentState.Running).TakeLast(KeptFinished).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var t in stored.Where(t => t.State == TournamentState.Running || rebuild.Contains(t.Id)))
        {
            lock (_adoptGate)
            {
                Adopt(t);
            }
        }
    }

    /// <summary>True while this process holds <paramref name="id"/> in memory (running it, or finished here).</summary>
    public bool IsHeld(string id) => _tournaments.ContainsKey(id);

    /// <summary>
    /// Takes a stored tournament into this process: a running one whose holder died (its advisory lock went with its
    /// connection) runs on here from its stored results; a finished one is rebuilt from them. Elsewhere while another
    /// live process holds it.
    /// </summary>
    public AdoptOutcome TryAdopt(string id)
    {
        lock (_adoptGate)
        {
            if (_tournaments.ContainsKey(id))
            {
                return AdoptOutcome.Held;
            }

            if (!store.TryRecover())
            {
                return AdoptOutcome.Elsewhere;
            }

            return store.GetTournament(id) is { } stored ? Adopt(stored) : AdoptOutcome.NotFound;
        }
    }

    /// <summary>
    /// The progress of a tournament this process holds once its version passes <paramref name="sinceVersion"/> (at
    /// once when it already has, or it has finished), else after <paramref name="maxWait"/>: a cluster's long poll.
    /// </summary>
    public async Task<(long Version, TournamentProgressUpdate Progress)> WaitForUpdateAsync(string id, long sinceVersion, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var live = Find(id);
        var changed = live.Changed;
        if (live.Version <= sinceVersion && !live.IsFinished)
        {
            try
            {
                await changed.WaitAsync(maxWait, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Nothing changed: the same progress again, and the caller asks once more.
            }
        }

        var version = live.Version;
        return (version, live.ToProgress(time.GetUtcNow()));
    }

    private AdoptOutcome Adopt(StoredTournament t)
    {
        if (t.State == TournamentState.Running && !store.TryHold(t.Id))
        {
            // Another live process sharing the store runs it: left to that one.
            return AdoptOutcome.Elsewhere;
        }

        var live = new LiveTournament(t.Id, t.Name, t.CreatedAt, t.SimulationsTotal) { Owner = t.Owner };
        _tournaments[t.Id] = live;
        Tournament tournament;
        try
        {
            tournament = TournamentLoader.Parse(t.Definition, baseDirectory: null, catalog);
        }
        catch (InputValidationException e)
        {
            // A plugin it named is gone: the tournament cannot run again.
            var detail = "cannot be resumed: " + e.Message;
            live.Finish(TournamentState.Failed, detail, null, time.GetUtcNow());
            TryStoreFinish(t.Id, TournamentState.Failed, detail);
            return AdoptOutcome.Held;
        }

        var state = t.State;
        if (state is TournamentState.Cancelled or TournamentState.Failed)
        {
            live.Finish(state, t.StatusDetail, null, t.FinishedAt ?? t.CreatedAt);
            return AdoptOutcome.Held;
        }

        if (state == TournamentState.Running)
        {
            Interlocked.Increment(ref _running);
            Log.TournamentResumed(logger, t.Id, t.Name);
        }

        _ = Task.Run(() => ExecuteAsync(live, tournament, t.TimeBudget, t.Owner, state == TournamentState.Running ? null : t.FinishedAt));
        return AdoptOutcome.Held;
    }

    public TournamentSnapshot Get(string id) =>
        _tournaments.TryGetValue(id, out var live) ? live.ToSnapshot()
        : store.GetTournament(id) is { } stored ? ToSnapshot(stored)
        : throw new TournamentNotFoundException(id);

    /// <summary>Tournaments newest first, from the store (live ones as they are now), without artifacts.</summary>
    public (List<TournamentSnapshot> Page, string Next) List(int pageSize, string? pageToken)
    {
        var all = store.ListTournaments().OrderByDescending(t => t.Id, StringComparer.Ordinal)
            .Where(t => pageToken is null || string.CompareOrdinal(t.Id, pageToken) < 0).Take(pageSize + 1).ToList();
        var page = all.Take(pageSize).Select(t => (_tournaments.TryGetValue(t.Id, out var live) ? live.ToSnapshot() : ToSnapshot(t)).WithoutArtifacts()).ToList();
        return (page, all.Count > pageSize ? page[^1].Id : "");
    }

    /// <summary>Deletes a finished tournament (owner or admin); returns the results deleted with it.</summary>
    public int Delete(string id, string? caller, bool admin)
    {
        var stored = store.GetTournament(id) ?? throw new TournamentNotFoundException(id);
        if (!RunOwnership.MayChange(stored.Owner, caller, admin))
        {
            throw new RunAccessDeniedException(id, "tournament_id");
        }

        if (stored.State == TournamentState.Running || (_tournaments.TryGetValue(id, out var live) && !live.IsFinished))
        {
            throw new RunStateException(id, RunState.Running, "the tournament is running; cancel it first", "tournament_id");
        }

        var deleted = store.DeleteTournament(id);
        _tournaments.TryRemove(id, out _);
        return deleted;
    }

    private static TournamentSnapshot ToSnapshot(StoredTournament t) =>
        new(t.Id, t.Name, t.State, t.StatusDetail, t.CreatedAt, t.FinishedAt, 0, t.SimulationsTotal);

    public TournamentSnapshot Cancel(string id, string? caller = null, bool admin = true)
    {
        var live = Find(id);
        if (!RunOwnership.MayChange(live.Owner, caller, admin))
        {
            throw new RunAccessDeniedException(id, "tournament_id");
        }

        live.Cancellation.Cancel();
        return live.ToSnapshot();
    }

    /// <summary>Progress until the tournament has finished; the last message carries the final tournament.</summary>
    public async IAsyncEnumerable<TournamentProgressUpdate> Watch(string id, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_tournaments.TryGetValue(id, out var live))
        {
            // Not held by this process: followed in the store until it ends, as another process sharing the store (a
            // silo of a cluster) runs it. Its results and artifacts are that process's (and, after a restart, any
            // process's that rebuilds it); the final message here carries its outcome.
            var stored = store.GetTournament(id) ?? throw new TournamentNotFoundException(id);
            while (stored.State == TournamentState.Running && !_tournaments.TryGetValue(id, out live))
            {
                var done = store.CountTournamentResults(id);
                yield return new TournamentProgressUpdate(id, stored.State, done, stored.SimulationsTotal,
                    stored.SimulationsTotal == 0 ? 0 : Math.Min(1, (double)done / stored.SimulationsTotal), null, null);
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
                stored = store.GetTournament(id) ?? throw new TournamentNotFoundException(id);
            }

            if (live is null)
            {
                var final = ToSnapshot(stored);
                yield return new TournamentProgressUpdate(id, final.State, final.SimulationsDone, final.SimulationsTotal, 1, null, final);
                yield break;
            }
        }

        while (true)
        {
            var changed = live.Changed;
            var progress = live.ToProgress(time.GetUtcNow());
            yield return progress;
            if (progress.FinalTournament is not null)
            {
                yield break;
            }

            // At most five progress messages a second, but the final one as soon as the tournament has finished (the
            // CLI waited up to 200 ms more for its outputs).
            await Task.WhenAny(Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken), live.Finished).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        // Stopping, not cancelling: what runs stays stored as running and resumes at the next start.
        _stopping = true;
        foreach (var live in _tournaments.Values)
        {
            live.Cancellation.Cancel();
        }
    }

    private LiveTournament Find(string id) =>
        _tournaments.TryGetValue(id, out var live) ? live : throw new TournamentNotFoundException(id);

    /// <summary>
    /// Runs (or, with <paramref name="finishedAt"/>, rebuilds from stored results) a tournament to its end and stores
    /// the outcome; a rebuild keeps its stored finish time and counts for no running slot.
    /// </summary>
    private async Task ExecuteAsync(LiveTournament live, Tournament tournament, TimeSpan? budget, string client, DateTimeOffset? finishedAt = null)
    {
        var rebuilding = finishedAt is not null;
        try
        {
            // On the local scheduler, two simulations in flight per worker: while one's result is stored (gzip, a
            // committed SQLite transaction) and the runner picks the next, the other waits in the scheduler's queue, so
            // the worker does not idle. A cluster's silos keep one per local worker, as before (docs/cluster.md).
            var inFlight = (front is null ? InFlightPerWorker : 1) * _options.EffectiveConcurrency;
            var runner = new TournamentRunner(
                new SchedulerRunExecutor(scheduler, catalog, live.Id, time, _options.SimulationBudget, client, store),
                new TournamentRunnerOptions { MaxParallelism = inFlight, TimeBudget = budget, TimeProvider = time });
            var result = await runner.RunAsync(tournament, new ProgressSink(live, time), live.Cancellation.Token).ConfigureAwait(false);
            var state = result.AnyGateFailed ? TournamentState.GateFailed : TournamentState.Passed;
            var detail = result.AnyGateFailed ? "at least one gate failed" : "";
            live.Finish(state, detail, result, finishedAt ?? time.GetUtcNow());
            if (!rebuilding)
            {
                TryStoreFinish(live.Id, state, detail);
            }

            Log.TournamentFinished(logger, live.Id, state);
        }
        catch (Exception) when (_stopping)
        {
            // The service is stopping: stored as running, resumed at the next start.
        }
        catch (OperationCanceledException) when (live.Cancellation.IsCancellationRequested)
        {
            live.Finish(TournamentState.Cancelled, "cancelled by request", null, time.GetUtcNow());
            TryStoreFinish(live.Id, TournamentState.Cancelled, "cancelled by request");
            Log.TournamentFinished(logger, live.Id, TournamentState.Cancelled);
        }
        catch (Exception e) when (!_stopping)
        {
            Log.TournamentFailed(logger, e, live.Id);
            live.Finish(TournamentState.Failed, e.Message, null, time.GetUtcNow());
            TryStoreFinish(live.Id, TournamentState.Failed, e.Message);
        }
        finally
        {
            if (!rebuilding)
            {
                Interlocked.Decrement(ref _running);
                if (!_stopping)
                {
                    store.Release(live.Id);
                }
            }

            ForgetOldest();
        }
    }

    private void TryStoreFinish(string id, TournamentState state, string detail)
    {
        if (_stopping)
        {
            return;
        }

        try
        {
            store.FinishTournament(id, state, detail, time.GetUtcNow());
        }
        catch (StoreUnavailableException e)
        {
            // Left stored as running: the next start runs it again from its stored results.
            Log.TournamentFailed(logger, e, id);
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

        [LoggerMessage(33, LogLevel.Information, "Tournament {TournamentId} ({Name}) resumed after a restart")]
        public static partial void TournamentResumed(ILogger logger, string tournamentId, string name);

        [LoggerMessage(32, LogLevel.Error, "Tournament {TournamentId} failed")]
        public static partial void TournamentFailed(ILogger logger, Exception error, string tournamentId);
    }
}
