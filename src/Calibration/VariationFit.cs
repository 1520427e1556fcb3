using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Calibration;

/// <summary>
/// The free parameters of the variation fit (<see cref="VariationSpec"/>), searched in log space: a CV of 0 is
/// approached, never reached, which keeps Nelder–Mead's simplex non-degenerate.
/// </summary>
public static class VariationFit
{
    public static IReadOnlyList<string> Names { get; } = ["run_cost_cv", "op_cost_cv", "gp_cv", "competing_cpus", "competing_burst_us", "stalls_per_second", "stall_us"];

    /// <summary>
    /// Where the search starts: modest spread, a quarter of the CPUs taken by other work in bursts of a 3 ms time slice,
    /// and a 5 ms stall of the machine every 2 s (½ % steal).
    /// </summary>
    public static double[] Start(int cpus) => [Math.Log(0.1), Math.Log(0.3), Math.Log(0.3), Math.Log(Math.Max(0.05, 0.25 * cpus)), Math.Log(3000), Math.Log(0.5), Math.Log(5000)];

    /// <summary>
    /// The starts the fit compares before it searches (the best one is searched from): <see cref="Start"/>, where
    /// creation tails come from the cost factors, and one where they come from the machine's stalls (40 stalls/s of
    /// 2 ms, 8 % of the time, little per-operation spread). The two are separate valleys of the objective: a local
    /// search from one does not reach the other.
    /// </summary>
    public static IReadOnlyList<double[]> Starts(int cpus) =>
    [
        Start(cpus),
        [Math.Log(0.3), Math.Log(0.3), Math.Log(0.3), Math.Log(Math.Max(0.05, 0.1 * cpus)), Math.Log(3000), Math.Log(40), Math.Log(2000)],
    ];

    public static VariationSpec ToSpec(IReadOnlyList<double> logParams, int cpus) => new()
    {
        RunCostCv = Math.Min(2, Math.Exp(logParams[0])),
        OpCostCv = Math.Min(5, Math.Exp(logParams[1])),
        GpCv = Math.Min(5, Math.Exp(logParams[2])),
        CompetingCpus = Math.Min(Math.Max(1, cpus) * 0.95, Math.Exp(logParams[3])),
        CompetingBurstUs = Math.Clamp(Math.Exp(logParams[4]), 10, 100_000),
        StallsPerSecond = logParams.Count > 5 ? Math.Min(100, Math.Exp(logParams[5])) : 0,
        StallUs = logParams.Count > 6 ? Math.Clamp(Math.Exp(logParams[6]), 100, 100_000) : 5000,
    };
}
