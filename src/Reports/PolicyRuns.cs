using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports;

/// <summary>All replications of one policy in a comparison.</summary>
/// <param name="Policy">Policy id (or stack spec).</param>
/// <param name="Parameters">Canonical parameter text.</param>
/// <param name="AssemblyHash">Hash of the policy's assemblies.</param>
/// <param name="Runs">One result per replication.</param>
public sealed record PolicyRuns(string Policy, string Parameters, string AssemblyHash, IReadOnlyList<RunResult> Runs);
