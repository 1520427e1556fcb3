using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation;

/// <summary>Everything one run depends on. The same request always gives the same <see cref="Metrics.RunResult"/>.</summary>
/// <param name="Workload">What happens.</param>
/// <param name="Profile">The kernel era.</param>
/// <param name="Policy">A fresh policy instance for this run (configured by the engine with <paramref name="Parameters"/>).</param>
/// <param name="Parameters">The policy's validated parameters.</param>
/// <param name="Seed">The run's seed; random streams derive from (seed, replication, stream).</param>
/// <param name="Replication">Replication index, 0-based.</param>
public sealed record SimulationRequest(
    Workload Workload,
    KernelProfile Profile,
    ICleanupPolicy Policy,
    PolicyParameters Parameters,
    ulong Seed,
    int Replication = 0)
{
    /// <summary>A request with the workload's own seed and the upstream policy.</summary>
    public static SimulationRequest Upstream(Workload workload, KernelProfile profile, int replication = 0) =>
        new(workload, profile, new Policies.UpstreamPolicy(), PolicyParameters.Empty, workload.Seed, replication);
}
