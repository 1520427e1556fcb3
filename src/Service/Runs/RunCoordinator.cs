using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using NetnsPolicy.Reports;
using NetnsPolicy.Service.Api;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using ComparisonReport = NetnsPolicy.Reports.ComparisonReport;

namespace NetnsPolicy.Service.Runs;

/// <summary>
/// The life of runs: accepts them (plan, store, serve what the store already has, hand the rest to the scheduler),
/// follows their simulations, finishes them (report, one transaction) and resumes the ones a previous process left.
/// </summary>
internal sealed partial class RunCoordinator : IDisposable
{
    private readonly ConcurrentDictionary<string, LiveRun> _live = new(StringComparer.Ordinal);
    private readonly RunPlanner _planner;
    private readonly IRunStore _store;
    private readonly IRunScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly ILogger<RunCoordinator> _logger;
    private readonly ServiceOptions _options;
    private readonly IClusterFront? _front;
    private readonly Lock _adoptGate = new();
    private volatile bool _stopping;

    public RunCoordinator(RunPlanner planner, IRunStore store, IRunScheduler scheduler, TimeProvider time, IOptions<ServiceOptions> options, ILogger<RunCoordinator> logger, IClusterFront? front = null)
    {
        _front = front;
        _planner = planner;
        _store = store;
        _scheduler = scheduler;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Validates, stores and queues a run; simulations already in the store are not run again.</summary>
    public RunSnapshot Submit(RunKind kind, RunRequest request, string client = "")
    {
        var plan = _planner.Plan(kind, request);
        MemoryGuard.ThrowIfOverLimit(_options);
        _store.ThrowIfUnwritable();
        var stored = _store.FindResults(plan.Simulations.Select(s => s.ResultKey));
        foreach (var key in stored.Where(r => r.Value == RunStatus.BudgetExceeded).Select(r => r.Key).ToList())
        {
            stored.Remove(key);
        }

        var fromStore = plan.Simulations.Where(s => stored.ContainsKey(s.ResultKey)).ToDictionary(s => s.Index, s => stored[s.ResultKey]);
        var pending = plan.Simulations.Where(s => !fromStore.ContainsKey(s.Index)).ToList();

        using var reservation = pending.Count == 0 ? null : _scheduler.TryReserve()
            ?? throw new LimitExceededException("queue", $"{_scheduler.ActiveRuns} runs are queued or running; this service admits at most {_options.MaxQueuedRuns} at once, retry later");

        var now = _time.GetUtcNow();
        var id = RunIds.New(now);
        // In a cluster the queue limit counts every silo's runs, from the shared store.
        _store.InsertRun(id, plan, now, fromStore, client, _front is null || reservation is null ? 0 : _options.MaxQueuedRuns);
        _store.TryHold(id);
        var live = new LiveRun(id, plan, now, fromStore.Keys.ToHashSet(), fromStore.Keys.ToHashSet(), startedAt: null) { Owner = client };
        _live[id] = live;
        _front?.Held(id, tournament: false);
        Log.RunAccepted(_logger, id, plan.Kind, plan.WorkloadName, plan.Simulations.Count, fromStore.Count);
        if (reservation is null)
        {
            Finish(live);
        }
        else
        {
            Start(live, reservation, pending);
        }

        return live.ToSnapshot();
    }

    /// <summary>The run now; per-simulation detail on request.</summary>
    public RunSnapshot Get(string id, bool includeSimulations, bool includeResults)
    {
        var run = _live.TryGetValue(id, out var live) ? live.ToSnapshot() : (_store.GetRun(id) ?? throw new RunNotFoundException(id)).Run;
        return includeSimulations || includeResults ? WithSimulations(run, includeResults) : run;
    }

    public (List<RunSnapshot> Runs, string NextPageToken) List(int pageSize, string? pageToken, IReadOnlyCollection<RunState> states)
    {
        var stored = _store.ListRuns(pageSize + 1, pageToken, states);
        var page = stored.Take(pageSize).Select(s => _live.TryGetValue(s.Run.Id, out var live) ? live.ToSnapshot() : s.Run).ToList();
        return (page, stored.Count > pageSize ? page[^1].Id : "");
    }

    /// <summary>
    /// Cancels a run that has not finished. A finished run (or one whose simulations have all finished) is refused
    /// with FAILED_PRECONDITION and keeps its state; a run submitted under a key is refused to any other caller unless
    /// <paramref name="admin"/> (<see cref="RunOwnership"/>).
    /// </summary>
    public RunSnapshot Cancel(string id, string? caller = null, bool admin = true)
    {
        if (_live.TryGetValue(id, out var live))
        {
            if (!RunOwnership.MayChange(live.Owner, caller, admin))
            {
                throw new RunAccessDeniedException(id);
            }

            var total = live.Plan.Simulations.Count;
            if (live.IsFinalizing || live.Plan.Simulations.All(s => live.IsDone(s.Index)))
            {
                throw new RunStateException(id, total == 0 ? RunState.Succeeded : RunState.Running, "every simulation of the run has finished; it can no longer be cancelled");
            }

            live.CancelRequested = true;
            Log.RunCancelRequested(_logger, id);
            live.Cancellation.Cancel();
            FinishIfStopped(live);
            return live.ToSnapshot();
        }

        var stored = _store.GetRun(id) ?? throw new RunNotFoundException(id);
        if (!stored.Run.IsUnfinished)
        {
            throw new RunStateException(id, stored.Run.State, $"the run has finished ({stored.Run.State}); it can no longer be cancelled");
        }

        return stored.Run;
    }

    /// <summary>
    /// Deletes a finished run (FAILED_PRECONDITION for one queued or running); a keyed run only its owner or an admin
    /// may (<see cref="RunOwnership"/>). Returns the number of stored results deleted with it.
    /// </summary>
    public int Delete(string id, string? caller = null, bool admin = true)
    {
        var stored = _store.GetRun(id) ?? throw new RunNotFoundException(id);
        if (!RunOwnership.MayChange(stored.Owner, caller, admin))
        {
            throw new RunAccessDeniedException(id);
        }

        if (_live.ContainsKey(id) || stored.Run.IsUnfinished)
        {
            throw new RunStateException(id, stored.Run.State, "the run has not finished; cancel it first");
        }

        var deleted = _store.DeleteRun(id);
        Log.RunDeleted(_logger, id, deleted);
        return deleted;
    }

    /// <summary>
    /// Retention: deletes finished runs older than <see cref="ServiceOptions.RetentionMaxAge"/>, then the oldest
    /// finished runs while the store holds more than <see cref="ServiceOptions.RetentionMaxBytes"/>. Returns the
    /// number of runs deleted.
    /// </summary>
    public int ApplyRetention()
    {
        var deleted = 0;
        if (_options.RetentionMaxAge > TimeSpan.Zero)
        {
            var before = _time.GetUtcNow() - _options.RetentionMaxAge;
            foreach (var id in _store.FinishedRunIds(before, int.MaxValue))
            {
                _store.DeleteRun(id);
                deleted++;
            }
        }

        while (_options.RetentionMaxBytes > 0 && _store.UsedBytes() > _options.RetentionMaxBytes)
        {
            var oldest = _store.FinishedRunIds(null, 16);
            if (oldest.Count == 0)
            {
                break;
            }

            foreach (var id in oldest)
            {
                _store.DeleteRun(id);
                deleted++;
            }
        }

        if (deleted > 0)
        {
            Log.RetentionApplied(_logger, deleted);
        }

        return deleted;
    }

    /// <summary>Progress messages until the run is terminal; the last carries the final run.</summary>
    public async IAsyncEnumerable<RunProgressUpdate> Watch(string id, TimeSpan minInterval, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_live.TryGetValue(id, out var live))
        {
            // Not run by this process: followed in the store until it ends, as another process sharing the store (a
            // silo of a cluster) runs it; unless it becomes live here meanwhile (resumed at start-up).
            var stored = _store.GetRun(id) ?? throw new RunNotFoundException(id);
            while (stored.Run.IsUnfinished && !_live.TryGetValue(id, out live))
            {
                yield return StoredProgress(stored, final: false);
                await Task.Delay(minInterval, _time, cancellationToken).ConfigureAwait(false);
                stored = _store.GetRun(id) ?? throw new RunNotFoundException(id);
            }

            if (live is null)
            {
                yield return StoredProgress(stored, final: true);
                yield break;
            }
        }

        while (true)
        {
            var changed = live.Changed;
            var progress = CurrentProgress(id, live);
            yield return progress;
            if (progress.FinalRun is not null)
            {
                yield break;
            }

            await Task.Delay(minInterval, _time, cancellationToken).ConfigureAwait(false);
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The stored report of a succeeded run.</summary>
    public (RunSnapshot Run, ComparisonReport Report) GetReport(string id)
    {
        var stored = _store.GetRun(id) ?? throw new RunNotFoundException(id);
        if (stored.Run.State != RunState.Succeeded)
        {
            throw new RunNotReadyException(id, stored.Run.State);
        }

        var json = _store.GetReport(id) ?? throw new InvalidOperationException($"run {id} succeeded but has no stored report");
        return (stored.Run, NetnsPolicy.Reports.Rendering.ReportJson.Deserialize<ComparisonReport>(json));
    }

    /// <summary>
    /// Resumes (or marks interrupted) the runs a previous process left queued or running. In a cluster nothing is
    /// resumed here at start: each silo's sweep takes unheld runs over through their grains (<see cref="TryAdopt"/>),
    /// so the silo that holds a run is the one its grain lives on.
    /// </summary>
    public void ResumeUnfinished()
    {
        if (_front is not null)
        {
            return;
        }

        if (!_store.TryRecover())
        {
            // A store that cannot write cannot record a resumed run's progress: its runs resume at the next start.
            Log.ResumeSkipped(_logger, _store.Fault ?? "");
            return;
        }

        foreach (var id in _store.UnfinishedRunIds())
        {
            lock (_adoptGate)
            {
                ResumeOne(id);
            }
        }
    }

    /// <summary>True while this process runs <paramref name="id"/>.</summary>
    public bool IsLive(string id) => _live.ContainsKey(id);

    /// <summary>True when the store has <paramref name="id"/> queued or running and this process does not run it (another does, or will take it over).</summary>
    public bool IsUnfinishedElsewhere(string id) => !_live.ContainsKey(id) && _store.GetRun(id) is { Run.IsUnfinished: true };

    /// <summary>
    /// Takes over a run the store has unfinished and no live process holds (its holder died: the advisory lock went
    /// with its connection), resuming it as a restart would. Held: this process runs it (or it has finished);
    /// Elsewhere: another live process holds it; NotFound: no such run.
    /// </summary>
    public AdoptOutcome TryAdopt(string id)
    {
        lock (_adoptGate)
        {
            if (_live.ContainsKey(id))
            {
                return AdoptOutcome.Held;
            }

            if (!_store.TryRecover())
            {
                return AdoptOutcome.Elsewhere;
            }

            var stored = _store.GetRun(id);
            if (stored is null)
            {
                return AdoptOutcome.NotFound;
            }

            return !stored.Run.IsUnfinished || ResumeOne(id) ? AdoptOutcome.Held : AdoptOutcome.Elsewhere;
        }
    }

    /// <summary>
    /// The progress of a run this process holds once its version passes <paramref name="sinceVersion"/> (at once when
    /// it already has, or the run has finished), else after <paramref name="maxWait"/>: a cluster's long poll.
    /// </summary>
    public async Task<(long Version, RunProgressUpdate Progress)> WaitForUpdateAsync(string id, long sinceVersion, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (!_live.TryGetValue(id, out var live))
        {
            var stored = _store.GetRun(id) ?? throw new RunNotFoundException(id);
            return (long.MaxValue, StoredProgress(stored, final: !stored.Run.IsUnfinished));
        }

        var changed = live.Changed;
        if (live.Version <= sinceVersion && live.ToProgress(_time.GetUtcNow()).State is RunState.Queued or RunState.Running)
        {
            try
            {
                await changed.WaitAsync(maxWait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Nothing changed: the same progress again, and the caller asks once more.
            }
        }

        var version = live.Version;
        return (version, CurrentProgress(id, live));
    }

    /// <summary>A live run's progress; once it has ended, the final message from the store (or the live run while the store lacks its end).</summary>
    private RunProgressUpdate CurrentProgress(string id, LiveRun live)
    {
        var progress = live.ToProgress(_time.GetUtcNow());
        if (progress.State is RunState.Queued or RunState.Running)
        {
            return progress;
        }

        // The terminal state is stored before it is shown, so the stored run is the final word; unless the store could
        // not write it (then the live run is, until the store has it).
        var stored = _store.GetRun(id) ?? throw new RunNotFoundException(id);
        return stored.Run.IsUnfinished ? progress with { FinalRun = live.ToSnapshot() } : StoredProgress(stored, final: true);
    }

    /// <summary>Resumes one unfinished run if this process can hold it; false when another live process holds it.</summary>
    private bool ResumeOne(string id)
    {
        if (_live.ContainsKey(id))
        {
            return true;
        }

        if (!_store.TryHold(id))
        {
            // Another live process sharing the store runs it: left to that one (watchers here follow the store).
            return false;
        }

        var stored = _store.GetRun(id)!;
        if (!stored.Run.IsUnfinished)
        {
            _store.Release(id);
            return true;
        }

        if (!_options.ResumeInterruptedRuns)
        {
            Interrupt(id, $"the service stopped while the run was {StoreNames.Of(stored.Run.State)} and resuming is disabled; resubmit it");
            return true;
        }

        RunPlan plan;
        try
        {
            plan = _planner.Plan(stored.Run.Kind, stored.Request);
        }
        catch (Exception e) when (e is InputValidationException or LimitExceededException)
        {
            Interrupt(id, $"the service stopped while the run was {StoreNames.Of(stored.Run.State)}, and the run is no longer valid: {e.Message}");
            return true;
        }

        if (plan.RequestHash != stored.Run.RequestHash)
        {
            Interrupt(id, $"the service stopped while the run was {StoreNames.Of(stored.Run.State)}, and a policy, profile or the engine changed since; resubmit it");
            return true;
        }

        var simulations = _store.GetSimulations(id);
        var done = simulations.Where(s => s.Status.Length > 0).Select(s => s.Index).ToHashSet();
        var fromStore = simulations.Where(s => s.FromStore).Select(s => s.Index).ToHashSet();
        var pending = plan.Simulations.Where(s => !done.Contains(s.Index)).ToList();
        var reservation = pending.Count == 0 ? null : _scheduler.TryReserve();
        if (pending.Count > 0 && reservation is null)
        {
            Interrupt(id, "the service stopped while the run was queued or running, and the queue was full at restart; resubmit it");
            return true;
        }

        var live = new LiveRun(id, plan, stored.Run.CreatedAt, done, fromStore, stored.Run.StartedAt) { Owner = stored.Owner };
        _live[id] = live;
        Log.RunResumed(_logger, id, pending.Count, plan.Simulations.Count);
        if (reservation is null)
        {
            Finish(live);
        }
        else
        {
            using (reservation)
            {
                Start(live, reservation, pending);
            }
        }

        return true;
    }

    public void Dispose()
    {
        // Runs still live are left as stored (queued/running) for the next start to resume.
        _stopping = true;
        foreach (var live in _live.Values)
        {
            live.Dispose();
        }
    }

    private void Start(LiveRun live, IRunReservation reservation, List<PlannedSimulation> pending)
    {
        if (live.Plan.Timeout is { } timeout)
        {
            // The timeout counts from acceptance of the request by a worker, approximated by admission here: a run
            // that waits in a long queue can still time out, which is what a caller with a deadline wants.
            live.Cancellation.CancelAfter(timeout);
        }

        live.Cancellation.Token.Register(() => FinishIfStopped(live));
        var work = pending.Select(s => KeyValuePair.Create(s.Index, s.Input)).ToList();
        reservation.Start(new ScheduledRun(live.Id, work, new Observer(this, live), live.Cancellation.Token) { Client = live.Owner });
    }

    private void FinishIfStopped(LiveRun live)
    {
        if (live.Cancellation.IsCancellationRequested && live.RunningCount == 0)
        {
            Finish(live);
        }
    }

    /// <summary>Decides, stores and shows the run's terminal state. Runs once per run.</summary>
    private void Finish(LiveRun live)
    {
        if (_stopping || !live.TryBeginFinalize())
        {
            return;
        }

        RunState state;
        string detail;
        string? report = null;
        var plan = live.Plan;
        var done = plan.Simulations.Count(s => live.IsDone(s.Index));
        if (live.Cancellation.IsCancellationRequested && done < plan.Simulations.Count)
        {
            state = live.CancelRequested ? RunState.Cancelled : RunState.DeadlineExceeded;
            detail = live.CancelRequested
                ? $"cancelled by request after {done} of {plan.Simulations.Count} simulations"
                : $"timeout of {plan.Timeout} exceeded after {done} of {plan.Simulations.Count} simulations";
        }
        else if (live.Fault is { } fault)
        {
            state = RunState.Failed;
            detail = fault;
        }
        else
        {
            try
            {
                report = NetnsPolicy.Reports.Rendering.ReportJson.Serialize(BuildReport(plan));
                state = RunState.Succeeded;
                detail = "";
            }
            catch (Exception e)
            {
                Log.ReportFailed(_logger, e, live.Id);
                state = RunState.Failed;
                detail = "the report could not be built: " + e.Message;
            }
        }

        var now = _time.GetUtcNow();
        try
        {
            _store.Finish(live.Id, state, detail, now, report);
        }
        catch (StoreUnavailableException e)
        {
            // Watchers learn it failed now; the store is told so once it can write again (until then, or if the
            // process stops first, it is stored as running and resumed by the next start).
            Log.StoreFailed(_logger, e, live.Id);
            state = RunState.Failed;
            detail = live.Fault ?? "the outcome could not be stored: " + e.Message;
            _store.FinishWhenWritable(live.Id, state, detail, now);
            live.Terminate(state, detail, now);
            Log.RunFinished(_logger, live.Id, state, detail);
            live.DisarmTimeout();

            // Kept live (Get and Watch show the outcome) while the store has the run as running.
            return;
        }
        catch (Exception e)
        {
            // The run stays stored as running and is resumed by the next start; watchers learn it failed here.
            Log.StoreFailed(_logger, e, live.Id);
            state = RunState.Failed;
            detail = "the outcome could not be stored: " + e.Message;
        }

        live.Terminate(state, detail, now);
        _live.TryRemove(live.Id, out _);
        _store.Release(live.Id);
        Log.RunFinished(_logger, live.Id, state, detail);
        live.DisarmTimeout();
    }

    private ComparisonReport BuildReport(RunPlan plan)
    {
        var results = _store.ReadResults(plan.Simulations.Select(s => s.ResultKey));
        var policies = plan.Contenders.Select(c => new PolicyRuns(
                c.Label,
                c.CanonicalParameters,
                c.AssemblyHash,
                plan.Simulations.Where(s => s.Label == c.Label).Select(s => RunResultJson.Deserialize(results[s.ResultKey])).ToList()))
            .ToList();

        // The baseline goes first so every report lists it first, whatever the request order.
        policies = [.. policies.Where(p => p.Policy == plan.Baseline), .. policies.Where(p => p.Policy != plan.Baseline)];
        return ComparisonReportBuilder.Build(new ComparisonInput(plan.WorkloadName, plan.KernelProfile, plan.Baseline, policies));
    }

    private void Interrupt(string id, string detail)
    {
        _store.Finish(id, RunState.Interrupted, detail, _time.GetUtcNow(), null);
        _store.Release(id);
        Log.RunInterrupted(_logger, id, detail);
    }

    private RunSnapshot WithSimulations(RunSnapshot run, bool includeResults)
    {
        var simulations = _store.GetSimulations(run.Id);
        var results = includeResults ? _store.ReadResults(simulations.Where(s => s.Status.Length > 0).Select(s => s.ResultKey)) : [];
        return run with
        {
            Simulations = [.. simulations.Select(s => new SimulationRecord(s.Label, s.Parameters, s.Seed, s.Replication, s.Status, s.FromStore, s.ResultKey,
                results.GetValueOrDefault(s.ResultKey, "")))],
        };
    }

    /// <summary>A progress message from the stored run; the final one carries the run with its simulations.</summary>
    private RunProgressUpdate StoredProgress(StoredRun stored, bool final) => new(
        stored.Run.Id,
        stored.Run.State,
        StoreNames.Of(stored.Run.State),
        SimulatedNs: 0,
        stored.Run.State == RunState.Succeeded ? 1 : stored.Run.SimulationsTotal == 0 ? 0 : (double)stored.Run.SimulationsDone / stored.Run.SimulationsTotal,
        stored.Run.SimulationsDone,
        stored.Run.SimulationsTotal,
        Events: 0,
        Eta: null,
        final ? WithSimulations(stored.Run, includeResults: false) : null);

    /// <summary>Receives the scheduler's calls for one run.</summary>
    private sealed class Observer(RunCoordinator owner, LiveRun live) : IRunObserver
    {
        public void Started(int index)
        {
            if (live.IsFinalizing)
            {
                return;
            }

            if (live.Started(index, owner._time.GetUtcNow()))
            {
                owner._store.MarkStarted(live.Id, owner._time.GetUtcNow());
            }
        }

        public void Progress(int index, SimulationProgress progress) => live.Progress(index, progress);

        public void Completed(int index, SimulationOutput output)
        {
            if (output.Status == RunStatus.Cancelled)
            {
                // A cancelled simulation has no result worth keeping: it is not stored and the run is not done.
                live.Ended(index, done: false);
            }
            else if (!live.IsFinalizing && !owner._stopping)
            {
                var s = live.Plan.Simulations[index];
                owner._store.CompleteSimulation(live.Id, index, s.ResultKey, output.Status, output.ResultJson);
                live.Ended(index, done: true);
            }

            owner.FinishIfStopped(live);
        }

        public void Faulted(int index, Exception error)
        {
            if (error is OperationCanceledException && live.Cancellation.IsCancellationRequested)
            {
                live.Ended(index, done: false);
            }
            else
            {
                var s = live.Plan.Simulations[index];
                live.Faulted(index, string.Create(CultureInfo.InvariantCulture,
                    $"simulation {index} ({s.Label}, seed {s.Seed}, replication {s.Replication}) failed: {error.Message}"));
            }

            owner.FinishIfStopped(live);
        }

        public void Drained() => owner.Finish(live);
    }

    private static partial class Log
    {
        [LoggerMessage(27, LogLevel.Information, "Run {RunId} deleted with {Results} results")]
        public static partial void RunDeleted(ILogger logger, string runId, int results);

        [LoggerMessage(28, LogLevel.Information, "Retention deleted {Runs} finished runs")]
        public static partial void RetentionApplied(ILogger logger, int runs);

        [LoggerMessage(29, LogLevel.Warning, "Interrupted runs not resumed: {Fault}")]
        public static partial void ResumeSkipped(ILogger logger, string fault);

        [LoggerMessage(10, LogLevel.Information, "Run {RunId} accepted: {Kind} of {Workload}, {Simulations} simulations, {FromStore} served from the store")]
        public static partial void RunAccepted(ILogger logger, string runId, RunKind kind, string workload, int simulations, int fromStore);

        [LoggerMessage(11, LogLevel.Information, "Run {RunId} finished: {State} {Detail}")]
        public static partial void RunFinished(ILogger logger, string runId, RunState state, string detail);

        [LoggerMessage(12, LogLevel.Information, "Run {RunId} cancellation requested")]
        public static partial void RunCancelRequested(ILogger logger, string runId);

        [LoggerMessage(13, LogLevel.Information, "Run {RunId} resumed: {Pending} of {Total} simulations left")]
        public static partial void RunResumed(ILogger logger, string runId, int pending, int total);

        [LoggerMessage(14, LogLevel.Warning, "Run {RunId} marked interrupted: {Detail}")]
        public static partial void RunInterrupted(ILogger logger, string runId, string detail);

        [LoggerMessage(15, LogLevel.Error, "Report of run {RunId} could not be built")]
        public static partial void ReportFailed(ILogger logger, Exception error, string runId);

        [LoggerMessage(16, LogLevel.Error, "Outcome of run {RunId} could not be stored")]
        public static partial void StoreFailed(ILogger logger, Exception error, string runId);
    }
}
