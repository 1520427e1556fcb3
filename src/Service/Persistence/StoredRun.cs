using NetnsPolicy.Contracts.V1;

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
    SubmitComparisonRequest Request,
    string RequestHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int SimulationsTotal,
    int SimulationsDone,
    int SimulationsFromStore,
    string Owner = "");
