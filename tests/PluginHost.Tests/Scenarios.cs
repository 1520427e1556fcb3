using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.PluginHost.Tests;

/// <summary>Small, fast workloads for host tests (policy behaviour is asserted on the real scenarios in Policies.Tests).</summary>
internal static class Scenarios
{
    /// <summary>The seed's machine with a 20-net burst: runs in milliseconds.</summary>
    public static Workload SmallBurst(int count = 20)
    {
        var seed = WorkloadLoader.Load("seed-1000-maxcpus1");
        return seed with { Name = $"seed-{count}-maxcpus1", Burst = seed.Burst! with { Count = count } };
    }

    public static KernelProfile V49 { get; } = KernelProfileLoader.Load("v4.9");
}
