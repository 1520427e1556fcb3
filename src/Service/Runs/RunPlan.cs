namespace NetnsPolicy.Service.Runs;

/// <summary>A validated run: its contenders, every simulation with its result key, and the request's identity.</summary>
/// <param name="Kind">Single run or comparison.</param>
/// <param name="Request">The request as normalized (a single run is a comparison of one), stored to re-plan on resume.</param>
/// <param name="WorkloadName">The workload's name.</param>
/// <param name="KernelProfile">Kernel profile id.</param>
/// <param name="Baseline">Baseline label.</param>
/// <param name="Contenders">Contenders, in request order.</param>
/// <param name="Simulations">Every simulation, by index.</param>
/// <param name="Timeout">Wall-clock limit once started, or null.</param>
/// <param name="RequestHash">Content hash of everything the results depend on.</param>
internal sealed record RunPlan(
    RunKind Kind,
    RunRequest Request,
    string WorkloadName,
    string KernelProfile,
    string Baseline,
    IReadOnlyList<ContenderPlan> Contenders,
    IReadOnlyList<PlannedSimulation> Simulations,
    TimeSpan? Timeout,
    string RequestHash);
