using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Persistence;

/// <summary>A run as stored.</summary>
internal sealed record StoredRun(
    string Id,
    RunKind Kind,
    RunState State,
    string StatusDetail,
    string Workload,
    string KernelProfile,
    string Baseline,
    IReadOnlyList<string> Policies,
    string Description,
    RunRequest Request,
    string RequestHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int SimulationsTotal,
    int SimulationsDone,
    int SimulationsFromStore,
    string Owner = "")
{
    /// <summary>The run as the service shows it.</summary>
    public RunSnapshot ToSnapshot() => new(Id, Kind, State, StatusDetail, Workload, KernelProfile, Baseline, Policies, Description, RequestHash,
        CreatedAt, StartedAt, FinishedAt, SimulationsTotal, SimulationsDone, SimulationsFromStore);
}
