namespace NetnsPolicy.Calibration;

/// <summary>The machine a measurement set was taken on.</summary>
public sealed record HostInfo
{
    public string Hostname { get; init; } = "";
    /// <summary><c>uname -r</c>.</summary>
    public string KernelRelease { get; init; } = "";
    public int OnlineCpus { get; init; }
    public int PossibleCpus { get; init; }
    /// <summary>CONFIG_HZ from the kernel config, or 0 when it could not be read.</summary>
    public int Hz { get; init; }
    /// <summary>Where <see cref="Hz"/> came from (/proc/config.gz, /boot/config-…).</summary>
    public string HzSource { get; init; } = "";
    /// <summary>Whether some socket listens to kernel uevents in the host (a udev), from /proc/net/netlink.</summary>
    public bool UeventListener { get; init; }
    /// <summary>
    /// The running kernel's preemption model: <c>none</c>, <c>voluntary</c>, <c>full</c> or <c>lazy</c> (the
    /// <c>preempt=</c> boot parameter of a PREEMPT_DYNAMIC kernel, else the config's CONFIG_PREEMPT_*); "" when unknown.
    /// </summary>
    public string Preemption { get; init; } = "";
    /// <summary>Where <see cref="Preemption"/> came from.</summary>
    public string PreemptionSource { get; init; } = "";
    /// <summary>/proc/loadavg's 1-minute load when the probe started: how busy the machine was besides the probe.</summary>
    public double LoadAverage { get; init; }
    public DateTimeOffset TakenAt { get; init; }

    /// <summary>
    /// synchronize_rcu() on the idle host, ms per call (<see cref="GracePeriodProbe"/>: membarrier(MEMBARRIER_CMD_GLOBAL),
    /// taken before the experiments); null in folders probed before 2026-12-03 or where membarrier is not usable.
    /// </summary>
    public IReadOnlyList<double>? SyncRcuIdleMs { get; init; }
}
