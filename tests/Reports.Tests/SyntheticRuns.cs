using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports.Tests;

/// <summary>Plain <see cref="RunResult"/> records with chosen metrics, so statistics are tested on known inputs.</summary>
public static class SyntheticRuns
{
    /// <summary>A run whose every metric derives from <paramref name="scale"/> (1 = the reference point).</summary>
    public static RunResult Run(string policy, int replication, double scale, string status = RunStatus.Ok, IReadOnlyList<OracleViolation>? violations = null, long changed = 0)
    {
        return new RunResult
        {
            Status = status,
            Workload = "synthetic",
            KernelProfile = "v4.9",
            Policy = policy,
            Seed = 7,
            Replication = replication,
            TeardownSeconds = 2.0 * scale,
            CreationLatencyMs = new LatencySummary(100, 10 * scale, 8 * scale, 20 * scale, 50 * scale, 60 * scale, 70 * scale),
            CleanupLatencyMs = new LatencySummary(100, 500 * scale, 400 * scale, 900 * scale, 1000 * scale, 1100 * scale, 1200 * scale),
            ThroughputNetnsPerSecond = 500 / scale,
            PeakMemoryBytes = (long)(300e6 * scale),
            PeakBacklog = (int)(1000 * scale),
            EnospcFailures = 0,
            Rcu = new RcuMetrics { WaitTotalMs = 40 * scale },
            Profile = Profile(scale),
            Decisions = new Dictionary<string, DecisionCount> { ["batch_admission"] = new(10, changed) },
            OracleViolations = violations ?? [],
            Series = Series(scale),
        };
    }

    /// <summary>Replications of a policy with a multiplicative effect and a small deterministic spread per replication.</summary>
    public static PolicyRuns Policy(string policy, double effect, int replications = 6, double spread = 0.02, long changed = 5) =>
        new(policy, "", "builtin", Enumerable.Range(0, replications)
            .Select(r => Run(policy, r, effect * (1 + spread * (r - (replications - 1) / 2.0)), changed: changed))
            .ToArray());

    public static ProfileNode Profile(double scale) => new()
    {
        Name = "all",
        TotalMs = 1000 * scale,
        ChildrenPct = 100,
        Children =
        [
            new ProfileNode { Name = "cleanup_net", TotalMs = 900 * scale, SelfPct = 5, ChildrenPct = 90, Children =
            [
                new ProfileNode { Name = "kobject_uevent_env", SelfPct = 55 * scale, ChildrenPct = 55 },
                new ProfileNode { Name = "synchronize_rcu", SelfPct = 20, ChildrenPct = 20 },
            ] },
            new ProfileNode { Name = "copy_net_ns", SelfPct = 10, ChildrenPct = 10 },
        ],
    };

    public static RunSeries Series(double scale) => new()
    {
        TimeMs = [0, 100, 200, 300],
        Backlog = [0, (int)(900 * scale), (int)(400 * scale), 0],
        MemoryBytes = [0, (long)(300e6 * scale), (long)(150e6 * scale), 0],
        Batches = [[10, 300 * scale, 1000], [310 * scale, 320 * scale, 3]],
        GracePeriods = [[20, 30, 0], [40, 41, 1], [60, 70, 0]],
        CreationCdf = [[1 * scale, 0.5], [10 * scale, 0.9], [70 * scale, 1.0]],
        CleanupCdf = [[400 * scale, 0.5], [1000 * scale, 0.99], [1200 * scale, 1.0]],
    };

    public static ComparisonInput Input(params PolicyRuns[] policies) => new("synthetic", "v4.9", policies[0].Policy, policies);
}
