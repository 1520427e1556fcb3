using NetnsPolicy.PluginHost;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Service.Scheduling;

/// <summary>Executes a simulation with <see cref="SimulationEngine"/> and a policy leased from the catalog.</summary>
internal sealed class EngineSimulationExecutor(IPolicyCatalog catalog) : ISimulationExecutor
{
    public SimulationOutput Execute(SimulationInput input, IProgress<SimulationProgress> progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var workload = WorkloadLoader.Parse(input.WorkloadJson);
        var profile = KernelProfileLoader.TryLoadBuiltIn(input.KernelProfile)
            ?? throw new InvalidOperationException($"kernel profile '{input.KernelProfile}' is no longer available");
        using var lease = catalog.Acquire(input.PolicySpec, input.Parameters);
        if (lease.AssemblyHash != input.AssemblyHash)
        {
            // The result would be filed under the old assemblies' identity: refuse instead of mislabelling it.
            throw new InvalidOperationException(
                $"policy '{input.PolicySpec}' changed since the run was accepted (assembly hash {input.AssemblyHash} → {lease.AssemblyHash})");
        }

        var request = new SimulationRequest(workload, profile, lease.Policy, lease.Parameters, input.Seed, input.Replication);
        var result = SimulationEngine.Run(request, input.Budget ?? SimulationBudget.Unlimited, progress, cancellationToken);
        return new SimulationOutput(result.Status, RunResultJson.Serialize(result));
    }
}
