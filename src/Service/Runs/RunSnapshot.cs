namespace NetnsPolicy.Service.Runs;

/// <summary>A run as the service shows it at one moment, stored or live; mapped to the API's <c>Run</c> in <c>Api/</c>.</summary>
/// <param name="Id">Service-assigned id.</param>
/// <param name="Kind">Single run or comparison.</param>
/// <param name="State">Where it is.</param>
/// <param name="StatusDetail">Why it failed, was cancelled or interrupted.</param>
/// <param name="Workload">The workload's name.</param>
/// <param name="KernelProfile">Kernel profile id.</param>
/// <param name="Baseline">The baseline's label.</param>
/// <param name="Policies">Contender labels, in request order.</param>
/// <param name="Description">The request's free text.</param>
/// <param name="RequestHash">Content hash of everything its results depend on.</param>
/// <param name="CreatedAt">Accepted.</param>
/// <param name="StartedAt">First simulation started.</param>
/// <param name="FinishedAt">Terminal state reached.</param>
/// <param name="SimulationsTotal">Simulations planned.</param>
/// <param name="SimulationsDone">Simulations finished.</param>
/// <param name="SimulationsFromStore">Simulations served from the store.</param>
internal sealed record RunSnapshot(
    string Id,
    RunKind Kind,
    RunState State,
    string StatusDetail,
    string Workload,
    string KernelProfile,
    string Baseline,
    IReadOnlyList<string> Policies,
    string Description,
    string RequestHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int SimulationsTotal,
    int SimulationsDone,
    int SimulationsFromStore)
{
    /// <summary>Per-simulation outcomes, when asked for (empty otherwise).</summary>
    public IReadOnlyList<SimulationRecord> Simulations { get; init; } = [];

    /// <summary>True until the run has reached a terminal state.</summary>
    public bool IsUnfinished => State is RunState.Queued or RunState.Running;
}
