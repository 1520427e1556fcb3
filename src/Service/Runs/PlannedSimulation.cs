using NetnsPolicy.Service.Scheduling;

namespace NetnsPolicy.Service.Runs;

/// <summary>One simulation of a run.</summary>
/// <param name="Index">Position in the run.</param>
/// <param name="Label">Contender label.</param>
/// <param name="CanonicalParameters">The contender's bound parameters.</param>
/// <param name="Seed">Seed.</param>
/// <param name="Replication">Replication index.</param>
/// <param name="ResultKey">Content hash identifying the result: equal keys, byte-identical results.</param>
/// <param name="Input">What the scheduler executes.</param>
internal sealed record PlannedSimulation(int Index, string Label, string CanonicalParameters, ulong Seed, int Replication, string ResultKey, SimulationInput Input);
