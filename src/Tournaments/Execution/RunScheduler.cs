using NetnsPolicy.Reports;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Scoring;

namespace NetnsPolicy.Tournaments.Execution;

/// <summary>
/// Chooses the next run so that a tournament cut short by its time budget has learnt the most it could:
/// <list type="number">
/// <item>Warm-up, round-robin by replication: every (track, entry) cell gets replication r before any gets r + 1,
/// for the first two replications, baselines first in each round (every ratio needs them). After any prefix the data
/// is balanced, and each cell has a mean and a spread.</item>
/// <item>Then the cell whose place is least settled: its per-replication log score against the baseline has the
/// largest standard error relative to its distance from the nearest other cell of the same track (the baseline
/// counts, at 0). A cell whose runs all agree (deterministic workloads) gains nothing from more runs and goes last.
/// A baseline takes the largest priority of its track, since its noise enters every ratio there.</item>
/// </list>
/// Ties go to the cell with fewer runs, then file order. Without a budget every planned run executes anyway; the
/// order only changes what a truncated tournament knows.
/// </summary>
public sealed class RunScheduler
{
    private const int WarmupReplications = 2;
    private readonly Tournament _tournament;
    private readonly int[,] _dispatched;
    private readonly IReadOnlyList<MetricDefinition> _metrics;
    private readonly int _baseline;

    public RunScheduler(Tournament tournament)
    {
        _tournament = tournament;
        _dispatched = new int[tournament.Tracks.Count, tournament.Entries.Count];
        _metrics = tournament.Metrics.Select(id => MetricCatalog.Find(id)!).ToArray();
        _baseline = tournament.Entries.ToList().FindIndex(e => e.Name == tournament.Baseline);
        Planned = tournament.Tracks.Count * tournament.Entries.Count * tournament.Replications;
    }

    /// <summary>Runs the tournament plans.</summary>
    public int Planned { get; }

    /// <summary>Runs handed out so far.</summary>
    public int Dispatched { get; private set; }

    public bool HasPending => Dispatched < Planned;

    /// <summary>The next run, or null when every planned run has been handed out.</summary>
    /// <param name="completed">Finished runs per (track index, entry index).</param>
    public RunSpec? Next(Func<int, int, IReadOnlyList<RunResult>> completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        if (!HasPending)
        {
            return null;
        }

        var warmup = Math.Min(WarmupReplications, _tournament.Replications);
        (int Track, int Entry)? pick = null;
        var bestRound = int.MaxValue;
        for (var t = 0; t < _tournament.Tracks.Count; t++)
        {
            for (var e = 0; e < _tournament.Entries.Count; e++)
            {
                var round = _dispatched[t, e];
                if (round >= warmup)
                {
                    continue;
                }

                var better = round < bestRound || (round == bestRound && e == _baseline && pick is { } p && p.Entry != _baseline);
                if (better)
                {
                    bestRound = round;
                    pick = (t, e);
                }
            }
        }

        pick ??= MostInformative(completed);
        return pick is { } cell ? Dispatch(cell.Track, cell.Entry) : null;
    }

    private (int Track, int Entry)? MostInformative(Func<int, int, IReadOnlyList<RunResult>> completed)
    {
        (int Track, int Entry)? pick = null;
        var bestPriority = double.NegativeInfinity;
        var bestRuns = int.MaxValue;
        for (var t = 0; t < _tournament.Tracks.Count; t++)
        {
            var priorities = TrackPriorities(t, completed);
            for (var e = 0; e < _tournament.Entries.Count; e++)
            {
                if (_dispatched[t, e] >= _tournament.Replications)
                {
                    continue;
                }

                var priority = priorities[e];
                if (priority > bestPriority || (priority == bestPriority && _dispatched[t, e] < bestRuns))
                {
                    bestPriority = priority;
                    bestRuns = _dispatched[t, e];
                    pick = (t, e);
                }
            }
        }

        return pick;
    }

    private double[] TrackPriorities(int t, Func<int, int, IReadOnlyList<RunResult>> completed)
    {
        var entries = _tournament.Entries.Count;
        var priorities = new double[entries];
        var baselineRuns = _baseline >= 0 ? completed(t, _baseline) : [];
        if (baselineRuns.Count == 0)
        {
            // Nothing to compare against yet: the baseline first, everything else as it comes.
            priorities[Math.Max(_baseline, 0)] = double.PositiveInfinity;
            return priorities;
        }

        var baselineMeans = _metrics.ToDictionary(m => m.Id, m => baselineRuns.Average(m.Read));
        var mean = new double[entries];
        var se = new double[entries];
        for (var e = 0; e < entries; e++)
        {
            var runs = completed(t, e);
            var logScores = runs.Select(r => _metrics.Average(m => Math.Log(ScoreMath.NormalizedRatio(m.Read(r), baselineMeans[m.Id], m)))).ToArray();
            if (logScores.Length < 2)
            {
                mean[e] = logScores.Length == 1 ? logScores[0] : 0;
                se[e] = double.PositiveInfinity;
                continue;
            }

            mean[e] = logScores.Average();
            var variance = logScores.Sum(s => (s - mean[e]) * (s - mean[e])) / (logScores.Length - 1);
            se[e] = Math.Sqrt(variance / logScores.Length);
        }

        for (var e = 0; e < entries; e++)
        {
            if (e == _baseline)
            {
                continue;
            }

            var gap = Math.Abs(mean[e]);
            for (var o = 0; o < entries; o++)
            {
                if (o != e && o != _baseline)
                {
                    gap = Math.Min(gap, Math.Abs(mean[e] - mean[o]));
                }
            }

            priorities[e] = se[e] == 0 ? 0 : se[e] / (gap + 1e-12);
        }

        if (_baseline >= 0)
        {
            priorities[_baseline] = priorities.Where((_, e) => e != _baseline).DefaultIfEmpty(0).Max();
        }

        return priorities;
    }

    private RunSpec Dispatch(int t, int e)
    {
        var replication = _dispatched[t, e]++;
        Dispatched++;
        return SpecFor(_tournament.Tracks[t], _tournament.Entries[e], replication);
    }

    /// <summary>The run of replication <paramref name="replication"/> of an entry on a track (also what shards plan).</summary>
    internal static RunSpec SpecFor(Track track, PolicyEntry entry, int replication) =>
        new(track.Name, entry.Name, track.Workload, track.WorkloadJson, track.KernelProfile, entry.PolicySpec, entry.Parameters, track.Seed, replication);
}
