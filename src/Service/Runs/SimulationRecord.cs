namespace NetnsPolicy.Service.Runs;

/// <summary>One simulation of a run as shown: its identity and, once finished, its status (and result on request).</summary>
/// <param name="Label">Contender label.</param>
/// <param name="Parameters">The contender's bound parameters.</param>
/// <param name="Seed">Seed.</param>
/// <param name="Replication">Replication index.</param>
/// <param name="Status">The simulation's status; empty until it has finished.</param>
/// <param name="FromStore">Served from the store rather than run.</param>
/// <param name="ResultKey">Content hash identifying the result.</param>
/// <param name="ResultJson">The result JSON when asked for and finished, else empty.</param>
internal sealed record SimulationRecord(string Label, string Parameters, ulong Seed, int Replication, string Status, bool FromStore, string ResultKey, string ResultJson);
