using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Scheduling;

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
    SubmitComparisonRequest Request,
    string WorkloadName,
    string KernelProfile,
    string Baseline,
    IReadOnlyList<ContenderPlan> Contenders,
    IReadOnlyList<PlannedSimulation> Simulations,
    TimeSpan? Timeout,
    string RequestHash);

/// <summary>One contender of a run.</summary>
/// <param name="Label">Its name in the report.</param>
/// <param name="PolicyId">Canonical policy id from the catalog.</param>
/// <param name="CanonicalParameters">Bound parameters, defaults filled in (<c>a=1,b=2</c>).</param>
/// <param name="AssemblyHash">Hash of the policy's assemblies.</param>
internal sealed record ContenderPlan(string Label, string PolicyId, string CanonicalParameters, string AssemblyHash);

/// <summary>One simulation of a run.</summary>
/// <param name="Index">Position in the run.</param>
/// <param name="Label">Contender label.</param>
/// <param name="CanonicalParameters">The contender's bound parameters.</param>
/// <param name="Seed">Seed.</param>
/// <param name="Replication">Replication index.</param>
/// <param name="ResultKey">Content hash identifying the result: equal keys, byte-identical results.</param>
/// <param name="Input">What the scheduler executes.</param>
internal sealed record PlannedSimulation(int Index, string Label, string CanonicalParameters, ulong Seed, int Replication, string ResultKey, SimulationInput Input);
