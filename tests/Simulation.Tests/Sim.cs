using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Policies;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Tests;

/// <summary>Runs shipped workloads with optional changes, for the tests.</summary>
internal static class Sim
{
    public static Workload Workload(string name) => WorkloadLoader.Load(name);

    public static RunResult Run(Workload workload, ICleanupPolicy? policy = null, ulong? seed = null, string? profile = null) =>
        SimulationEngine.Run(new SimulationRequest(
            workload,
            KernelProfileLoader.Load(profile ?? workload.Machine.KernelProfile),
            policy ?? new UpstreamPolicy(),
            PolicyParameters.Empty,
            seed ?? workload.Seed));

    public static RunResult Run(string workload, ICleanupPolicy? policy = null) => Run(Workload(workload), policy);

    /// <summary>A run on a profile built by the test (a shipped one with some parameters changed).</summary>
    public static RunResult Run(Workload workload, KernelProfile profile) =>
        SimulationEngine.Run(new SimulationRequest(workload, profile, new UpstreamPolicy(), PolicyParameters.Empty, workload.Seed));

    /// <summary>A burst of <paramref name="count"/> lo-only namespaces on one online CPU (the seed's setup).</summary>
    public static Workload SeedBurst(int count) => Workload("seed-1000-maxcpus1") with
    {
        Burst = new BurstSpec { Count = count, DestroyAfterMs = 10 },
    };

    /// <summary>The total CPU time of every node named <paramref name="name"/> in the profile tree.</summary>
    public static double ProfileMs(ProfileNode node, string name) =>
        (node.Name == name ? node.TotalMs : 0) + node.Children.Sum(c => node.Name == name ? 0 : ProfileMs(c, name));

    /// <summary>The perf "children" share of the first node named <paramref name="name"/>.</summary>
    public static double Share(ProfileNode node, string name)
    {
        if (node.Name == name)
        {
            return node.ChildrenPct;
        }

        foreach (var c in node.Children)
        {
            var s = Share(c, name);
            if (s >= 0)
            {
                return s;
            }
        }

        return -1;
    }
}
