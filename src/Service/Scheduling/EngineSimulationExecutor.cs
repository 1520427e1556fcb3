using System.Text.Json;
using NetnsPolicy.PluginHost;
using NetnsPolicy.PluginHost.Isolation;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Service.Scheduling;

/// <summary>
/// Executes a simulation with a policy leased from the catalog: in this process with <see cref="SimulationEngine"/>
/// when every member is built-in, shipped or trusted; otherwise whole in a sandboxed worker, only the request and the
/// result crossing (the result checked before it is returned). A worker's death or overrun becomes the simulation's
/// <c>policy-fault</c> naming the cause and counts towards the plugin's quarantine.
/// </summary>
internal sealed class EngineSimulationExecutor(IPolicyCatalog catalog, PluginExecution execution) : ISimulationExecutor
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

        if (!lease.RequiresSandbox)
        {
            var request = new SimulationRequest(workload, profile, lease.Policy, lease.Parameters, input.Seed, input.Replication);
            var result = SimulationEngine.Run(request, input.Budget ?? SimulationBudget.Unlimited, progress, cancellationToken);
            return new SimulationOutput(result.Status, RunResultJson.Serialize(result));
        }

        var sandbox = execution.Sandbox ?? throw new InvalidOperationException($"policy '{input.PolicySpec}' needs the sandbox, which is unavailable: {execution.SandboxUnavailableReason}");
        using var workloadJson = JsonDocument.Parse(input.WorkloadJson);
        var worker = new WorkerRequest
        {
            Workload = workloadJson.RootElement.Clone(),
            KernelProfile = input.KernelProfile,
            Policy = input.PolicySpec,
            Parameters = input.Parameters.ToDictionary(),
            Seed = input.Seed,
            Replication = input.Replication,
            AssemblyHash = input.AssemblyHash,
            Budget = input.Budget,
            PluginsDirectory = "",
        };

        // A dedicated scheduler thread waits here; the worker is killed if the run is cancelled or times out.
        var outcome = sandbox.RunAsync(worker, workload.Name, lease.PluginFolders, cancellationToken).GetAwaiter().GetResult();
        if (outcome.WorkerFailure is { } failure)
        {
            lease.ReportSandboxFailure(failure);
        }

        return new SimulationOutput(outcome.Result.Status, RunResultJson.Serialize(outcome.Result));
    }
}
