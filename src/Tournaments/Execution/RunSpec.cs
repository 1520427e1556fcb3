namespace NetnsPolicy.Tournaments.Execution;

/// <summary>One simulation a tournament needs: everything an executor requires to run it, in plain data.</summary>
/// <param name="Track">Track name.</param>
/// <param name="Entry">Policy entry name (unique in the tournament).</param>
/// <param name="WorkloadName">The workload as named in the tournament file.</param>
/// <param name="WorkloadJson">The workload's JSON, the track's patch applied (valid for <c>WorkloadLoader.Parse</c>).</param>
/// <param name="KernelProfile">Kernel profile id or path.</param>
/// <param name="PolicySpec">Policy id or stack spec.</param>
/// <param name="Parameters">Raw parameter values for <c>IPolicyCatalog.Acquire</c>.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Replication">Replication index, 0-based.</param>
public sealed record RunSpec(
    string Track,
    string Entry,
    string WorkloadName,
    string WorkloadJson,
    string KernelProfile,
    string PolicySpec,
    IReadOnlyDictionary<string, string> Parameters,
    ulong Seed,
    int Replication);
