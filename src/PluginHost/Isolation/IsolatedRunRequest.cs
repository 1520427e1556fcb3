using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.PluginHost.Isolation;

/// <summary>One run for <see cref="IsolatedRunner"/>.</summary>
/// <param name="Workload">The workload.</param>
/// <param name="KernelProfile">Kernel profile id or file.</param>
/// <param name="Policy">Policy spec (id or stack).</param>
/// <param name="Parameters">Raw parameter values.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Replication">Replication index.</param>
public sealed record IsolatedRunRequest(Workload Workload, string KernelProfile, string Policy, IReadOnlyDictionary<string, string>? Parameters, ulong Seed, int Replication = 0);
