namespace NetnsPolicy.Service.Runs;

/// <summary>
/// A run as requested, before validation: the service's own record of a submission (a single run is a comparison of
/// one contender), planned by <see cref="RunPlanner"/> and stored to plan again on resume. The API's request messages
/// are mapped to it in <c>Api/</c>.
/// </summary>
/// <param name="WorkloadJson">The workload's JSON text, when given as content.</param>
/// <param name="WorkloadBuiltin">The shipped workload's name, when given by name (neither: refused).</param>
/// <param name="KernelProfile">The kernel profile id (empty: the workload's).</param>
/// <param name="Contenders">The contenders, in request order.</param>
/// <param name="Baseline">The baseline's label (empty: the first).</param>
/// <param name="Seeds">The seeds (empty: the workload's).</param>
/// <param name="Replications">Replications per seed (0: the workload's).</param>
/// <param name="Timeout">The run's timeout, when set.</param>
/// <param name="Description">The run's free text.</param>
internal sealed record RunRequest(
    string? WorkloadJson,
    string? WorkloadBuiltin,
    string KernelProfile,
    IReadOnlyList<ContenderRequest> Contenders,
    string Baseline,
    IReadOnlyList<ulong> Seeds,
    int Replications,
    RequestDuration? Timeout,
    string Description);
