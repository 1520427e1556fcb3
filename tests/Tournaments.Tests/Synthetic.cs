using NetnsPolicy.Reports.Statistics;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;

namespace NetnsPolicy.Tournaments.Tests;

/// <summary>Tournaments and runs built by hand, so scoring is tested on known numbers.</summary>
public static class Synthetic
{
    public static readonly string[] AllCostMetrics = ["teardown_seconds", "creation_latency_p99_ms", "peak_memory_mib"];

    public static Tournament Tournament(string[] entries, string[] tracks, int replications = 5, string[]? heldOut = null, IReadOnlyList<GateSpec>? gates = null, string[]? metrics = null) => new()
    {
        Name = "synthetic",
        Baseline = entries[0],
        Entries = entries.Select(e => new PolicyEntry(e, e.Split('[')[0], new Dictionary<string, string>())).ToArray(),
        Tracks = tracks.Select(t => new Track(t, "w-" + t, "{}", "v4.9", heldOut?.Contains(t) ?? false, 1)).ToArray(),
        Replications = replications,
        Metrics = metrics ?? AllCostMetrics,
        Gates = gates ?? [],
        StabilityResamples = 500,
        StabilitySeed = 3,
    };

    /// <summary>
    /// One run whose cost metrics are <paramref name="factor"/> times a reference (throughput divided by it), with
    /// multiplicative noise of relative size <paramref name="noise"/> drawn from (entry, track, replication).
    /// </summary>
    public static RunResult Run(string entry, string track, int replication, double factor, double noise = 0.0, long changed = 1)
    {
        var rng = new SeededRandom(SeededRandom.SeedFrom((ulong)replication, entry + "/" + track));
        var f = factor * (1 + noise * rng.NextGaussian());
        return new RunResult
        {
            Workload = "w-" + track,
            KernelProfile = "v4.9",
            Policy = entry,
            Seed = 1,
            Replication = replication,
            TeardownSeconds = 2.0 * f,
            CreationLatencyMs = new LatencySummary(100, 10 * f, 8 * f, 20 * f, 50 * f, 60 * f, 70 * f),
            CleanupLatencyMs = new LatencySummary(100, 500 * f, 400 * f, 900 * f, 1000 * f, 1100 * f, 1200 * f),
            ThroughputNetnsPerSecond = 500 / f,
            PeakMemoryBytes = (long)(300e6 * f),
            PeakBacklog = (int)(1000 * f),
            Decisions = new Dictionary<string, DecisionCount> { ["batch_admission"] = new(10, changed) },
        };
    }

    /// <summary>Every planned run of a tournament with the given effect per (entry, track).</summary>
    public static Dictionary<(string Track, string Entry), IReadOnlyList<RunResult>> Runs(Tournament t, Func<string, string, double> factor, double noise = 0.0) =>
        t.Tracks.SelectMany(track => t.Entries.Select(e => (track.Name, e.Name)))
            .ToDictionary(
                cell => (cell.Item1, cell.Item2),
                cell => (IReadOnlyList<RunResult>)Enumerable.Range(0, t.Replications)
                    .Select(r => Run(cell.Item2, cell.Item1, r, factor(cell.Item2, cell.Item1), noise, changed: cell.Item2 == t.Baseline ? 0 : 1))
                    .ToArray());
}
