using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Scoring;

namespace NetnsPolicy.Tournaments.Execution;

/// <summary>
/// Executes a tournament: hands runs to an <see cref="IRunExecutor"/> in the order of a <see cref="RunScheduler"/>,
/// up to <see cref="TournamentRunnerOptions.MaxParallelism"/> at once, stops starting runs when the time budget is
/// spent, and scores what finished.
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
        var budget = _options.TimeBudget ?? tournament.TimeBudget;
        var clock = _options.TimeProvider;
        var start = clock.GetTimestamp();
        var running = new List<Task<(RunSpec Spec, RunResult Result)>>();
        var budgetExhausted = false;
        var done = 0;
        try
        {
            while (true)
            {
                while (running.Count < Math.Max(1, _options.MaxParallelism) && !budgetExhausted && scheduler.HasPending)
                {
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

                    running.Add(RunOneAsync(spec, cancellationToken));
                }

                if (running.Count == 0)
                {
                    break;
                }

                var finished = await Task.WhenAny(running).ConfigureAwait(false);
                running.Remove(finished);
                var (doneSpec, result) = await finished.ConfigureAwait(false);
                completed[trackIndex[doneSpec.Track], entryIndex[doneSpec.Entry]].Add(result);
                progress?.Report(new TournamentProgress(++done, scheduler.Planned, doneSpec));
            }
        }
        catch (OperationCanceledException)
        {
            // Let the other runs observe the cancellation before giving up, so none outlives the tournament.
            await Task.WhenAll(running.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
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

        return TournamentScorer.Score(tournament, runs, budgetExhausted);
    }

    private async Task<(RunSpec, RunResult)> RunOneAsync(RunSpec spec, CancellationToken cancellationToken) =>
        (spec, await RunOrFailAsync(executor, spec, cancellationToken).ConfigureAwait(false));

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
