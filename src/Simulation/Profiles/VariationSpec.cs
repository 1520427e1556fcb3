namespace NetnsPolicy.Simulation.Profiles;

/// <summary>
/// How a real host varies from run to run (docs/calibration.md, fitted by <c>netns-policy calibrate</c> from repeated
/// probes). Every draw comes from a seeded stream of (seed, replication, stream): one seed gives one result, and
/// replications differ. Coefficients of variation are of mean-one lognormal factors; 0 switches a part off.
/// </summary>
public sealed record VariationSpec
{
    /// <summary>CV of one factor drawn per run that scales every CPU cost: the host's state (caches, frequency, THP) differs between runs.</summary>
    public double RunCostCv { get; init; }

    /// <summary>CV of the factor drawn for every CPU segment (one kernel operation's cost).</summary>
    public double OpCostCv { get; init; }

    /// <summary>CV of the factor drawn for every grace period's length (normal and expedited).</summary>
    public double GpCv { get; init; }

    /// <summary>Mean number of CPUs busy with other host work (builds, daemons) competing with the workload's threads.</summary>
    public double CompetingCpus { get; init; }

    /// <summary>Mean length of one competing burst of CPU work (exponential), in microseconds.</summary>
    public double CompetingBurstUs { get; init; } = 3000;

    /// <summary>
    /// When &gt; 0, a competing task keeps the CPU it got for this slice and then on to the next scheduler tick (and is
    /// not scaled by the cost factors), instead of an exponential <see cref="CompetingBurstUs"/>: EEVDF's slice
    /// (sysctl_sched_base_slice, 0.70 ms × (1 + ilog2(min(CPUs, 8))) since v6.15, commit 2ae891b82695 "sched: Reduce
    /// the default slice to avoid tasks getting an extra tick"; 0.75 ms before) is checked at the tick
    /// (kernel/sched/fair.c: task_tick_fair → entity_tick → update_curr → update_deadline → resched_curr), so at HZ
    /// 250 a CPU-bound task runs whole ticks. The host's long run-queue waits come in tick-sized steps
    /// (docs/calibration.md, "Spread, seventh round"). 0: off (today's exponential bursts).
    /// </summary>
    public double CompetingSliceUs { get; init; }

    /// <summary>
    /// Competing CPUs per unit of the run's measured 1-minute load average (<see cref="HostLoad"/>), added to
    /// <see cref="CompetingCpus"/> (the sum capped at 95 % of the CPUs): other work that follows the load the probe
    /// measured rather than one fitted constant. 0: off.
    /// </summary>
    public double CompetingCpusPerLoad { get; init; }

    /// <summary>
    /// The run's measured 1-minute load average (/proc/loadavg when the probe ran it; set per replication by the
    /// replay from measurements.json, or by hand for a what-if). Only read with <see cref="CompetingCpusPerLoad"/>.
    /// </summary>
    public double HostLoad { get; init; }

    /// <summary>CPUs busy with competing work in this run: the constant plus the load-proportional part, capped below the CPU count.</summary>
    public double EffectiveCompetingCpus(int cpus) =>
        CompetingCpusPerLoad > 0 ? Math.Min(0.95 * Math.Max(1, cpus), CompetingCpus + (CompetingCpusPerLoad * HostLoad)) : CompetingCpus;

    /// <summary>
    /// Stalls of the machine per second (Poisson): a VM's vCPUs descheduled by its host (steal time) or an interrupt
    /// storm. A stall delays the work running on every CPU at its start by its length, locks held included; 0: none.
    /// </summary>
    public double StallsPerSecond { get; init; }

    /// <summary>Mean length of one stall (exponential), in microseconds.</summary>
    public double StallUs { get; init; } = 5000;
}
