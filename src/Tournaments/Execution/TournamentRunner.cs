using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Scoring;

namespace NetnsPolicy.Tournaments.Execution;

/// <summary>
/// Executes a tournament: hands runs to an <see cref="IRunExecutor"/> in the order of a <see cref="RunScheduler"/>,
/// up to <see cref="TournamentRunnerOptions.MaxParallelism"/> at once, stops starting runs when the time budget is
/// spent, and scores what finished. A track whose planned runs have all finished is scored (its comparison report, the
/// bulk of the scoring) in one of those slots while the other tracks' runs go on, before any further run starts: at
/// the end only the last track's report and the tournament-wide steps remain, instead of every track's one after the
/// other while the other workers idle. The result is the same whenever each track is scored (docs/tournaments.md).
/// Of each run it keeps what scoring reads (<see cref="RunKeeper"/>): later replications without their series and
/// profile.
/// </summary>
public sealed class TournamentRunner(IRunExecutor executor, TournamentRunnerOptions? options = null)
{
    private readonly TournamentRunnerOptions _options = options ?? new TournamentRunnerOptions();

    public async Task<TournamentResult> RunAsync(Tournament tournament, IProgress<TournamentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tournament);
        var scheduler = new RunScheduler(tournament);
        var completed = new List<RunResult>[tournament.Tracks.Count, tournament.Entries.Count];
        for (var t = 0; t < tournament.Tracks.Count; t++)
        {
            for (var e = 0; e < tournament.Entries.Count; e++)
            {
                completed[t, e] = [];
            }
        }

        var trackIndex = tournament.Tracks.Select((t, i) => (t.Name, i)).ToDictionary(x => x.Name, x => x.i);
        var entryIndex = tournament.Entries.Select((e, i) => (e.Name, i)).ToDictionary(x => x.Name, x => x.i);
        var unfinished = Enumerable.Repeat(tournament.Entries.Count * tournament.Replications, tournament.Tracks.Count).ToArray();
        var scoredTracks = new TrackResult?[tournament.Tracks.Count];
        var keeper = new RunKeeper(tournament);
        var readyToScore = new Queue<int>();
        var budget = _options.TimeBudget ?? tournament.TimeBudget;
        var clock = _options.TimeProvider;
        var start = clock.GetTimestamp();
        var parallelism = Math.Max(1, _options.MaxParallelism);
        var running = new List<Task<(RunSpec Spec, RunResult Result)>>();
        var scoring = new List<Task<(int Track, TrackResult Result)>>();
        var budgetExhausted = false;
        var done = 0;
        try
        {
            while (true)
            {
                while (running.Count + scoring.Count < parallelism)
                {
                    if (readyToScore.TryDequeue(out var ready))
                    {
                        scoring.Add(ScoreTrackAsync(tournament, ready, e => completed[ready, entryIndex[e.Name]]));
                        continue;
                    }

                    if (budgetExhausted || !scheduler.HasPending)
                    {
                        break;
                    }

                    if (budget is { } b && clock.GetElapsedTime(start) >= b)
                    {
                        budgetExhausted = true;
                        break;
                    }

                    var spec = scheduler.Next((t, e) => completed[t, e]);
                    if (spec is null)
                    {
                        break;
                    }

                    running.Add(RunOneAsync(spec, keeper, trackIndex[spec.Track], entryIndex[spec.Entry], cancellationToken));
                }

                if (running.Count + scoring.Count == 0)
                {
                    break;
                }

                var finished = await Task.WhenAny(running.Concat<Task>(scoring)).ConfigureAwait(false);
                if (finished is Task<(int Track, TrackResult Result)> scored)
                {
                    scoring.Remove(scored);
                    var (track, trackResult) = await scored.ConfigureAwait(false);
                    scoredTracks[track] = trackResult;
                    continue;
                }

                var run = (Task<(RunSpec Spec, RunResult Result)>)finished;
                running.Remove(run);
                var (doneSpec, result) = await run.ConfigureAwait(false);
                var doneTrack = trackIndex[doneSpec.Track];
                completed[doneTrack, entryIndex[doneSpec.Entry]].Add(result);
                if (--unfinished[doneTrack] == 0)
                {
                    readyToScore.Enqueue(doneTrack);
                }

                progress?.Report(new TournamentProgress(++done, scheduler.Planned, doneSpec));
            }
        }
        catch (Exception)
        {
            // Cancellation, or a track's scoring threw: let the other runs observe the cancellation and the scorings end
            // before giving up, so none outlives the tournament.
            await Task.WhenAll(running.Concat<Task>(scoring).Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            throw;
        }

        var runs = new Dictionary<(string Track, string Entry), IReadOnlyList<RunResult>>();
        for (var t = 0; t < tournament.Tracks.Count; t++)
        {
            for (var e = 0; e < tournament.Entries.Count; e++)
            {
                if (completed[t, e].Count > 0)
                {
                    runs[(tournament.Tracks[t].Name, tournament.Entries[e].Name)] = completed[t, e];
                }
            }
        }

        // Tracks the budget left unfinished are scored here, with what they have.
        return TournamentScorer.Score(tournament, runs, budgetExhausted, scoredTracks);
    }

    /// <summary>Scores a track whose runs have all finished (its cells' lists no longer change) on the thread pool.</summary>
    private static Task<(int Track, TrackResult Result)> ScoreTrackAsync(Tournament tournament, int track, Func<PolicyEntry, IReadOnlyList<RunResult>> runsOf) =>
        Task.Run(() => (track, TournamentScorer.ScoreTrack(tournament, tournament.Tracks[track], runsOf)));

    /// <summary>Runs one spec and keeps what scoring reads of it (<see cref="RunKeeper"/>), in the run's slot.</summary>
    private async Task<(RunSpec, RunResult)> RunOneAsync(RunSpec spec, RunKeeper keeper, int track, int entry, CancellationToken cancellationToken) =>
        (spec, keeper.Keep(track, entry, await RunOrFailAsync(executor, spec, cancellationToken).ConfigureAwait(false)));

    /// <summary>Runs one spec; any failure but cancellation becomes a run with status "error", which disqualifies.</summary>
    internal static async Task<RunResult> RunOrFailAsync(IRunExecutor executor, RunSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            return await executor.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return new RunResult
            {
                Status = "error",
                StatusDetail = e.GetType().Name + ": " + e.Message,
                Workload = spec.WorkloadName,
                KernelProfile = spec.KernelProfile,
                Policy = spec.Entry,
                Seed = spec.Seed,
                Replication = spec.Replication,
            };
        }
    }
}
