using System.Collections.Concurrent;
using NetnsPolicy.PluginHost;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Tournaments.Execution;

/// <summary>
/// Runs each simulation on the thread pool with <see cref="SimulationEngine.Run"/> and a policy leased from an
/// <see cref="IPolicyCatalog"/>. Parsed workloads and profiles are cached (they are immutable records).
/// </summary>
public sealed class InProcessRunExecutor(IPolicyCatalog catalog) : IRunExecutor
{
    private readonly ConcurrentDictionary<string, Workload> _workloads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KernelProfile> _profiles = new(StringComparer.Ordinal);

    public Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Task.Run(
            () =>
            {
                var workload = _workloads.GetOrAdd(spec.WorkloadJson, WorkloadLoader.Parse);
                var profile = _profiles.GetOrAdd(spec.KernelProfile, KernelProfileLoader.Load);
                using var lease = catalog.Acquire(spec.PolicySpec, spec.Parameters);
                var request = new SimulationRequest(workload, profile, lease.Policy, lease.Parameters, spec.Seed, spec.Replication);
                return SimulationEngine.Run(request, progress: null, cancellationToken);
            },
            cancellationToken);
    }
}
