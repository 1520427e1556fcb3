namespace NetnsPolicy.Simulation.Workloads;

/// <summary>
/// A workload: the machine, what the namespaces' users do, and when the run stops. Format documented in
/// docs/workload-format.md; <see cref="WorkloadLoader"/> parses and validates it.
/// </summary>
public sealed record Workload
{
    /// <summary>The format version this build reads.</summary>
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public MachineSpec Machine { get; init; } = new();
    public PopulationSpec? InitialPopulation { get; init; }
    public BurstSpec? Burst { get; init; }
    public LoopsSpec? Loops { get; init; }
    public ChurnSpec? Churn { get; init; }
    public ProbeSpec? Probe { get; init; }
    public RtnlUsersSpec? RtnlUsers { get; init; }
    public StopSpec Stop { get; init; } = new();
    public ulong Seed { get; init; } = 1;
    public int Replications { get; init; } = 1;
}

/// <summary>The simulated machine.</summary>
public sealed record MachineSpec
{
    /// <summary>Online CPUs (<c>maxcpus=</c>).</summary>
    public int Cpus { get; init; } = 1;

    /// <summary>Possible CPUs (per-CPU data is allocated for these); 0 means equal to <see cref="Cpus"/>.</summary>
    public int PossibleCpus { get; init; }

    public int Hz { get; init; } = 1000;

    /// <summary>Memory available to namespaces before OOM, in MiB; 0 for no limit.</summary>
    public long MemoryLimitMb { get; init; }

    /// <summary>Kernel built with lockdep, DEBUG_LIST and friends.</summary>
    public bool DebugKernel { get; init; }

    public string KernelProfile { get; init; } = "v4.9";

    /// <summary><c>user.max_net_namespaces</c>; 0 means the kernel default (the profile's).</summary>
    public int MaxNetNamespaces { get; init; }

    /// <summary>Tunnel modules loaded: each gives every netns one fallback device.</summary>
    public IReadOnlyList<string> TunnelModules { get; init; } = [];

    public UeventListenersSpec UeventListeners { get; init; } = new();

    /// <summary>Devices whose last references outlive their unregistration (a leaked socket, dst or callback).</summary>
    public LeakedReferencesSpec LeakedReferences { get; init; } = new();

    /// <summary>
    /// IPv6 addresses each namespace holds (configured, up devices). Before 5.18 addrconf_ifdown walks every address
    /// on the host for each device torn down (the global inet6_addr_lst).
    /// </summary>
    public int Ipv6AddressesPerNetns { get; init; }
}

/// <summary>
/// References a device keeps after unregistration: netdev_wait_allrefs then sleeps (250 ms quanta; since 2020 backing
/// off from 1 ms), rebroadcasting NETDEV_UNREGISTER every second and warning after 10 s.
/// </summary>
public sealed record LeakedReferencesSpec
{
    /// <summary>Fraction (0–1) of unregistered devices that still hold a reference.</summary>
    public double Fraction { get; init; }

    /// <summary>How long after its unregistration such a device's last reference drops.</summary>
    public double HoldMs { get; init; }
}

/// <summary>Who listens to uevents.</summary>
public sealed record UeventListenersSpec
{
    /// <summary>A udev-like listener in the init netns.</summary>
    public bool Host { get; init; } = true;

    /// <summary>Fraction of created namespaces (0–1) whose uevent socket has a listener.</summary>
    public double NetnsFraction { get; init; }
}

/// <summary>The devices each namespace of a group gets besides <c>lo</c>.</summary>
public sealed record DeviceMix
{
    /// <summary>veth pairs with one end in the namespace and the peer in the init netns.</summary>
    public int VethPairs { get; init; }

    /// <summary>Physical devices moved into the namespace (moved back on teardown).</summary>
    public int Physical { get; init; }
}

/// <summary>Namespaces alive from t=0 that stay alive.</summary>
public sealed record PopulationSpec
{
    public int Count { get; init; }
    public DeviceMix Devices { get; init; } = new();
}

/// <summary>Create N namespaces, then destroy them all at once.</summary>
public sealed record BurstSpec
{
    public int Count { get; init; }
    public DeviceMix Devices { get; init; } = new();

    /// <summary>Creator processes working in parallel.</summary>
    public int CreateParallelism { get; init; } = 1;

    /// <summary>Pause between the last creation and the release of them all.</summary>
    public double DestroyAfterMs { get; init; } = 10;

    /// <summary>
    /// How each namespace's last reference goes: <c>exit</c> (its owner process exits: every release at once) or
    /// <c>umount</c> (one thread unmounts each <c>/run/netns</c> bind mount in turn, as <c>ip netns del</c> and
    /// <c>netns-policy probe</c> do: each umount waits for an expedited grace period in namespace_unlock first).
    /// </summary>
    public string Release { get; init; } = "exit";

    /// <summary>
    /// When set, the profile's window (from the release) closes this long after the last host-side veth peer left
    /// sysfs (its device_del), as <c>netns-policy probe</c>'s perf recording stops 50 ms after the last peer is gone;
    /// unset: the window runs to the end of the run.
    /// </summary>
    public double? ProfileAfterPeersGoneMs { get; init; }

    /// <summary>
    /// The profile's window opens this long before the release (at most <see cref="DestroyAfterMs"/>): a perf recording
    /// started before the release samples the pause too (<c>netns-policy probe</c>'s perf start waits 700 ms). 0: at
    /// the release.
    /// </summary>
    public double ProfileBeforeReleaseMs { get; init; }
}

/// <summary>k parallel loops of m serial create-then-destroy cycles (<c>unshare -n /bin/true</c>).</summary>
public sealed record LoopsSpec
{
    public int Count { get; init; } = 1;
    public int Cycles { get; init; } = 1;
    public DeviceMix Devices { get; init; } = new();

    /// <summary>Time the process spends in the namespace before exiting.</summary>
    public double LifetimeMs { get; init; }

    /// <summary>
    /// Optional: the time each cycle spends outside the kernel's creation and release, slept (it takes no CPU), as
    /// evenly spaced quantiles of a measured distribution (the first the minimum, the last the maximum). Each cycle
    /// draws one from its loop's seeded stream, linear between neighbouring quantiles. <c>netns-policy probe</c>
    /// writes its loops' hand-off between threads here (docs/calibration.md); null: none (the loop goes straight on).
    /// </summary>
    public IReadOnlyList<double>? GapQuantilesMs { get; init; }
}

/// <summary>Poisson arrivals, each creating a namespace that lives for a random time (vsftpd).</summary>
public sealed record ChurnSpec
{
    public double ArrivalsPerSecond { get; init; }
    public LifetimeSpec Lifetime { get; init; } = new();
    public DeviceMix Devices { get; init; } = new();

    /// <summary>How long arrivals go on.</summary>
    public double DurationMs { get; init; }
}

/// <summary>A lifetime distribution.</summary>
public sealed record LifetimeSpec
{
    /// <summary><c>fixed</c>, <c>exponential</c>, <c>uniform</c> or <c>lognormal</c>.</summary>
    public string Distribution { get; init; } = "exponential";
    public double MeanMs { get; init; } = 1000;

    /// <summary>uniform: half-width around the mean; lognormal: sigma of the underlying normal.</summary>
    public double Spread { get; init; }
}

/// <summary>Creates a namespace every interval and records how long creation took.</summary>
public sealed record ProbeSpec
{
    public double IntervalMs { get; init; } = 10;
    public double StartMs { get; init; }

    /// <summary>0: until the rest of the workload is done.</summary>
    public double StopMs { get; init; }
}

/// <summary>Background RTNL users (<c>ip link</c>, <c>ip addr</c> on the host).</summary>
public sealed record RtnlUsersSpec
{
    public int Count { get; init; }
    public double MeanIntervalMs { get; init; } = 10;
    public double HoldUs { get; init; } = 50;

    /// <summary>Fraction of each hold spent inside an RCU read-side section (netlink dumps).</summary>
    public double RcuReaderFraction { get; init; } = 0.5;
}

/// <summary>When the run ends.</summary>
public sealed record StopSpec
{
    /// <summary><c>drain</c>: when every generator is done and every released net is freed; <c>duration</c>: at <see cref="DurationMs"/>.</summary>
    public string Mode { get; init; } = "drain";
    public double DurationMs { get; init; }

    /// <summary>Safety bound on simulated time; a run that reaches it ends with status <c>stalled</c>.</summary>
    public double MaxSimulatedSeconds { get; init; } = 3600;
}
