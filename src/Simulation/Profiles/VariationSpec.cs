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
    /// Stalls of the machine per second (Poisson): a VM's vCPUs descheduled by its host (steal time) or an interrupt
    /// storm. A stall delays the work running on every CPU at its start by its length, locks held included; 0: none.
    /// </summary>
    public double StallsPerSecond { get; init; }

    /// <summary>Mean length of one stall (exponential), in microseconds.</summary>
    public double StallUs { get; init; } = 5000;
}
