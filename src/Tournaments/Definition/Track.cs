namespace NetnsPolicy.Tournaments.Definition;

/// <summary>A workload on a kernel profile. Held-out tracks are scored and reported separately from the ranking.</summary>
/// <param name="Name">Unique track name.</param>
/// <param name="Workload">Workload name (or path) as written in the file.</param>
/// <param name="WorkloadJson">The workload's JSON after the track's patch, validated.</param>
/// <param name="KernelProfile">Kernel profile id or path.</param>
/// <param name="HeldOut">True for a held-out track.</param>
/// <param name="Seed">Seed of every run on this track.</param>
public sealed record Track(string Name, string Workload, string WorkloadJson, string KernelProfile, bool HeldOut, ulong Seed);
