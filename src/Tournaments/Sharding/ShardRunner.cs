using NetnsPolicy.PluginHost;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Tournaments.Sharding;

/// <summary>
/// Runs one shard's slice of a tournament, every run of it: a shard has no time budget to cut it short, since where a
/// budget cuts depends on the machine's speed and the shards would no longer add up to the unsharded tournament. The
/// file's <see cref="Tournament.TimeBudget"/> bounds the shard instead: a slice not finished within it fails whole
/// (<see cref="TimeoutException"/>), it is never written in part.
/// </summary>
public sealed class ShardRunner(IRunExecutor executor, ShardRunnerOptions? options = null)
{
    private readonly ShardRunnerOptions _options = options ?? new ShardRunnerOptions();

    /// <param name="fileText">The tournament file's text (kept in the shard for the merge).</param>
    /// <param name="tournament">The tournament parsed from <paramref name="fileText"/>.</param>
    /// <param name="shard">Which slice to run.</param>
    /// <param name="catalog">Where the policies come from, for their assembly hashes (null: none recorded).</param>
    /// <param name="progress">Runs finished and runs in the slice, after every run.</param>
    /// <param name="cancellationToken">Stops the shard.</param>
    public async Task<ShardResult> RunAsync(string fileText, Tournament tournament, ShardSpec shard, IPolicyCatalog? catalog, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileText);
        ArgumentNullException.ThrowIfNull(tournament);
        var identity = TournamentIdentity.Of(fileText, tournament, catalog);
        var slice = TournamentPlan.Slice(tournament, shard);
        var results = new RunResult[slice.Count];
        var done = 0;
        var gate = new Lock();
        using var deadline = tournament.TimeBudget is { } budget
            ? new CancellationTokenSource(budget, _options.TimeProvider)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxParallelism), CancellationToken = linked.Token };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, slice.Count), parallel, async (i, token) =>
            {
                results[i] = await TournamentRunner.RunOrFailAsync(executor, slice[i].Spec, token).ConfigureAwait(false);

                // One report at a time and in order, as the tournament runner reports from its single loop.
                lock (gate)
                {
                    progress?.Report((++done, slice.Count));
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"shard {shard} of {tournament.Name} finished {Volatile.Read(ref done)} of its {slice.Count} simulations within the file's time_budget_seconds "
                + $"({tournament.TimeBudget!.Value.TotalSeconds:0} s), which bounds each shard; a shard is all of its slice or nothing: raise the budget or use more shards");
        }

        return new ShardResult
        {
            Kind = ShardFile.Kind,
            FormatVersion = ShardResult.CurrentFormatVersion,
            Index = shard.Index,
            Count = shard.Count,
            Tournament = identity,
            TournamentText = fileText,
            Runs = slice.Select((x, i) => new ShardRun(x.PlanIndex, x.Spec.Track, x.Spec.Entry, x.Spec.Replication, results[i])).ToArray(),
        };
    }
}
