using System.Globalization;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Calibration;

/// <summary>
/// The free parameters of the variation fit (<see cref="VariationSpec"/>), searched in log space: a CV of 0 is
/// approached, never reached, which keeps Nelder–Mead's simplex non-degenerate.
/// </summary>
/// <remarks>
/// The other host work is not a fitted constant: it follows each run's measured load average
/// (<see cref="VariationSpec.CompetingCpusPerLoad"/>, the replay sets <see cref="VariationSpec.HostLoad"/> per run), and its
/// bursts are EEVDF slices that end at a scheduler tick (<see cref="SliceUs"/>, from the source, not fitted), as the
/// host's run-queue waits show.
/// </remarks>
public static class VariationFit
{
    /// <summary>
    /// EEVDF's base slice on <paramref name="cpus"/> CPUs, in µs: sysctl_sched_base_slice = 0.70 ms × (1 + ilog2(min(cpus,
    /// 8))) (kernel/sched/fair.c, get_update_sysctl_factor with SCHED_TUNABLESCALING_LOG; 0.70 since commit 2ae891b82695,
    /// v6.15 — the hosts this fits run 6.18). The slice is checked at the tick, so at HZ 250 it ends at the next tick.
    /// </summary>
    public static double SliceUs(int cpus) => 700 * (1 + Math.Floor(Math.Log2(Math.Clamp(cpus, 1, 8))));

    public static IReadOnlyList<string> Names { get; } = ["run_cost_cv", "op_cost_cv", "gp_cv", "competing_cpus", "stalls_per_second", "stall_us"];

    /// <summary>
    /// Where the search starts: modest spread, a quarter of the 2 CPUs taken by other work at load 5 (0.1 CPU per unit
    /// of load), and a 5 ms stall of the machine every 2 s (½ % steal).
    /// </summary>
    public static double[] Start(int cpus) => [Math.Log(0.1), Math.Log(0.3), Math.Log(0.3), Math.Log(Math.Max(0.05, 0.25 * cpus)), Math.Log(0.5), Math.Log(5000)];

    /// <summary>
    /// The starts the fit compares before it searches (the best one is searched from): <see cref="Start"/>, where
    /// creation tails come from the cost factors and the competing work, and one where they come from the machine's
    /// stalls (40 stalls/s of 2 ms, 8 % of the time, little per-operation spread). The two are separate valleys of the
    /// objective: a local search from one does not reach the other.
    /// </summary>
    public static IReadOnlyList<double[]> Starts(int cpus) =>
    [
        Start(cpus),
        [Math.Log(0.3), Math.Log(0.3), Math.Log(0.3), Math.Log(Math.Max(0.05, 0.1 * cpus)), Math.Log(40), Math.Log(2000)],
    ];

    public static VariationSpec ToSpec(IReadOnlyList<double> logParams, int cpus) => new()
    {
        RunCostCv = Math.Min(2, Math.Exp(logParams[0])),
        OpCostCv = Math.Min(5, Math.Exp(logParams[1])),
        GpCv = Math.Min(5, Math.Exp(logParams[2])),
        CompetingCpus = Math.Min(Math.Max(1, cpus) * 0.95, Math.Exp(logParams[3])),
        CompetingSliceUs = SliceUs(cpus),
        StallsPerSecond = Math.Min(100, Math.Exp(logParams[4])),
        StallUs = Math.Clamp(Math.Exp(logParams[5]), 100, 100_000),
    };

    /// <summary>The fitted variation as calibrate's summary and the profile's provenance state it.</summary>
    public static string Describe(VariationSpec v) => string.Create(CultureInfo.InvariantCulture,
        $"run_cost_cv {v.RunCostCv:F3}, op_cost_cv {v.OpCostCv:F3}, gp_cv {v.GpCv:F3}, competing_cpus {v.CompetingCpus:F3} + {v.CompetingCpusPerLoad:F4} per unit of each run's measured load average in EEVDF slices of {v.CompetingSliceUs:F0} µs ended by the tick, stalls_per_second {v.StallsPerSecond:F3}, stall_us {v.StallUs:F0}");
}
