using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Service.Scheduling;

/// <summary>
/// Everything one simulation needs, as plain data so that it can be shipped to another process or machine
/// (a distributed scheduler) as easily as run in this one.
/// </summary>
/// <param name="WorkloadJson">Canonical workload JSON.</param>
/// <param name="KernelProfile">Id of a shipped kernel profile.</param>
/// <param name="PolicySpec">Policy id or stack spec.</param>
/// <param name="Parameters">Raw parameter values by name.</param>
/// <param name="AssemblyHash">Assembly hash the policy had when the run was accepted; execution refuses another.</param>
/// <param name="Seed">Seed.</param>
/// <param name="Replication">Replication index.</param>
/// <param name="Budget">The work the simulation may do (from the service's configuration); not part of its result's identity.</param>
public sealed record SimulationInput(
    string WorkloadJson,
    string KernelProfile,
    string PolicySpec,
    IReadOnlyDictionary<string, string> Parameters,
    string AssemblyHash,
    ulong Seed,
    int Replication,
    SimulationBudget? Budget = null);
