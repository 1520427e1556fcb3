namespace NetnsPolicy.Service.Persistence;

/// <summary>A simulation of a run as stored; <see cref="Status"/> is empty until it has finished.</summary>
internal sealed record StoredSimulation(int Index, string Label, string Parameters, ulong Seed, int Replication, string ResultKey, string Status, bool FromStore);
