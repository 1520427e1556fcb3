using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.PluginHost.Containment;

/// <summary>The result of a run that ended in a policy fault outside the engine (watchdog, limits, worker death).</summary>
public static class FaultResult
{
    public static RunResult For(SimulationRequest request, string detail)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new RunResult
        {
            Status = RunStatus.PolicyFault,
            StatusDetail = detail,
            Workload = request.Workload.Name,
            KernelProfile = request.Profile.Id,
            Policy = request.Policy.Descriptor.Id,
            PolicyParameters = request.Parameters.ToString(),
            Seed = request.Seed,
            Replication = request.Replication,
        };
    }
}
