using System.Collections.Concurrent;
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
/// <remarks>
/// Parsed workloads and profiles are kept (<see cref="MaxCachedWorkloads"/> workloads by their canonical JSON text, the
/// shipped profiles by id): a run's or tournament's simulations share a few workloads, and the records are immutable.
/// </remarks>
internal sealed class EngineSimulationExecutor(IPolicyCatalog catalog, PluginExecution execution) : ISimulationExecutor
{
    /// <summary>Workloads kept parsed; past it the cache starts over (a service that sees many distinct workloads).</summary>
    internal const int MaxCachedWorkloads = 64;

    private readonly ConcurrentDictionary<string, Workload> _workloads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KernelProfile> _profiles = new(StringComparer.Ordinal);

    public SimulationOutput Execute(SimulationInput input, IProgress<SimulationProgress> progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var workload = ParseWorkload(input.WorkloadJson);
        var profile = LoadProfile(input.KernelProfile);
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
            return new SimulationOutput(result.Status, RunResultJson.Serialize(result), result);
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

        return new SimulationOutput(outcome.Result.Status, RunResultJson.Serialize(outcome.Result), outcome.Result);
    }

    private Workload ParseWorkload(string json)
    {
        if (_workloads.TryGetValue(json, out var cached))
        {
            return cached;
        }

        // Parsed outside the dictionary (an invalid workload throws, and nothing is kept for it).
        var workload = WorkloadLoader.Parse(json);
        if (_workloads.Count >= MaxCachedWorkloads)
        {
            _workloads.Clear();
        }

        return _workloads.GetOrAdd(json, workload);
    }

    private KernelProfile LoadProfile(string id)
    {
        if (_profiles.TryGetValue(id, out var cached))
        {
            return cached;
        }

        // Only shipped profiles are kept (a bounded set); an unknown id is not.
        var profile = KernelProfileLoader.TryLoadBuiltIn(id)
            ?? throw new InvalidOperationException($"kernel profile '{id}' is no longer available");
        return _profiles.GetOrAdd(id, profile);
    }
}
