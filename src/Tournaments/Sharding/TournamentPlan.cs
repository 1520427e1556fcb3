using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Tournaments.Sharding;

/// <summary>
/// Every run a tournament plans, in a canonical order fixed by the file: track by track, entry by entry (file order),
/// replication by replication. Shards slice this list; the runner's own scheduling order (warm-up, then the most
/// informative cell) only matters under a time budget and plays no part here.
/// </summary>
public static class TournamentPlan
{
    public static IReadOnlyList<RunSpec> Of(Tournament tournament)
    {
        ArgumentNullException.ThrowIfNull(tournament);
        var plan = new List<RunSpec>(tournament.Tracks.Count * tournament.Entries.Count * tournament.Replications);
        foreach (var track in tournament.Tracks)
        {
            foreach (var entry in tournament.Entries)
            {
                for (var r = 0; r < tournament.Replications; r++)
                {
                    plan.Add(RunScheduler.SpecFor(track, entry, r));
                }
            }
        }

        return plan;
    }

    /// <summary>The runs of <paramref name="shard"/>, each with its index in the whole plan.</summary>
    public static IReadOnlyList<(int PlanIndex, RunSpec Spec)> Slice(Tournament tournament, ShardSpec shard) =>
        Of(tournament).Select((spec, i) => (i, spec)).Where(x => shard.Contains(x.i)).ToArray();
}
