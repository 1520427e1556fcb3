using System.Globalization;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Calibration;

/// <summary>
/// A device's unregistration costs measured from the host's perf profiles (docs/calibration.md "The shipped fit,
/// twelfth round"): an era profile's relative costs of the parts of unregister_netdevice_many and netdev_run_todo are
/// estimates, and a single fitted scale on all of them keeps their proportions. The host's perf-sampled teardowns of
/// the fitted bursts say what each part takes: for every part, the CPU time the host spends in it per run (samples ×
/// 1/999 s ÷ runs) against the time the simulation spends in it in the same window, under the profile fitted so far;
/// the part's cost parameters are multiplied by that ratio. The teardown times cannot tell these parts apart (all run
/// in the same work item, mostly under RTNL); their shares can.
/// </summary>
/// <remarks>
/// Host stacks and simulated call paths are classified by one rule (<see cref="Classify"/>) on the model's function
/// names (<see cref="ProfileComparison.CanonicalStack"/>: 6.2's unregister_netdevice_many_notify, the tail call that
/// hides netdev_unregister_kobject). The first part that matches takes a sample, so nothing is counted twice. The
/// kernfs root lock's contention is left out, as in the share comparison (the model has no contender for it).
/// </remarks>
public static class HostDeviceCosts
{
    /// <summary>The parts measured, each with the cost parameters it scales.</summary>
    public enum Part
    {
        /// <summary>netdev_run_todo: <c>todo_per_device_ns</c>, <c>device_free_ns</c> (free_netdev, device_release).</summary>
        Todo,

        /// <summary>sysfs_remove_groups under netdev_unregister_kobject (the attribute groups of device and queues): <c>sysfs_node_remove_ns</c>.</summary>
        SysfsGroups,

        /// <summary>
        /// kobject_uevent under netdev_unregister_kobject (the host-side peers' KOBJ_REMOVE): measured and reported, not
        /// applied (<see cref="IsApplied"/>).
        /// </summary>
        Uevent,

        /// <summary>The rest of netdev_unregister_kobject: device_del's own nodes and the kobjects (<c>kobject_remove_ns</c>).</summary>
        Kobject,

        /// <summary>The NETDEV_UNREGISTER notifier chain: <c>device_notifier_ns</c> and the veth driver's <c>unregister_extra_ns</c>.</summary>
        Notifier,

        /// <summary>RTM_DELLINK (rtmsg_ifinfo_build_skb, rtnl_notify): <c>device_dellink_ns</c>.</summary>
        Dellink,
    }

    /// <summary>
    /// Whether a part's ratio is applied. The uevent part's costs (<c>uevent_env_ns</c>, the uevent socket costs) are
    /// also every creation's: KOBJ_ADD of a new net's loopback and its queues, whose latency stage 1 fits through the
    /// init scale. Re-proportioned from the teardown's few samples (38 over the tenth session's six perf runs, ×0.29)
    /// they moved the creation's make-up, and with it the churn creation CVs out of the ×1.5 band (−25 … −40 %;
    /// docs/calibration.md "The shipped fit, twelfth round"); they stay with the device scale, the ratio stated.
    /// </summary>
    public static bool IsApplied(Part p) => p != Part.Uevent;

    /// <summary>Fewer host samples than this in a part do not measure it (the part keeps its cost).</summary>
    public const int MinSamples = 10;

    private static readonly HashSet<string> NotifierFrames = new(StringComparer.Ordinal)
    {
        "call_netdevice_notifiers_info", "call_netdevice_notifiers", "notifier_call_chain", "raw_notifier_call_chain",
    };

    private static readonly HashSet<string> DellinkFrames = new(StringComparer.Ordinal)
    {
        "rtmsg_ifinfo_build_skb", "rtmsg_ifinfo_send", "rtmsg_ifinfo_event", "rtmsg_ifinfo", "rtnl_notify", "nlmsg_notify",
    };

    /// <summary>The part a stack (model names, root first) belongs to, or null.</summary>
    internal static Part? Classify(IReadOnlyList<string> frames)
    {
        bool Has(string f) => frames.Contains(f, StringComparer.Ordinal);
        if (Has("netdev_run_todo"))
        {
            return Part.Todo;
        }

        if (Has("netdev_unregister_kobject"))
        {
            if (Has("sysfs_remove_groups"))
            {
                return Part.SysfsGroups;
            }

            return frames.Any(f => f.StartsWith("kobject_uevent", StringComparison.Ordinal)) ? Part.Uevent : Part.Kobject;
        }

        if (!Has("unregister_netdevice_many"))
        {
            return null;
        }

        if (frames.Any(NotifierFrames.Contains))
        {
            return Part.Notifier;
        }

        return frames.Any(DellinkFrames.Contains) ? Part.Dellink : null;
    }

    /// <summary>One part's measurement: host and simulated CPU ms per run in the perf window, and the ratio applied.</summary>
    public sealed record Measured(Part Part, long HostSamples, double HostMsPerRun, double SimulatedMsPerRun)
    {
        public double Ratio => HostSamples >= MinSamples && SimulatedMsPerRun > 0 ? HostMsPerRun / SimulatedMsPerRun : 1;
    }

    /// <summary>The profile with the measured parts, and what was measured.</summary>
    public sealed record Result(KernelProfile Profile, IReadOnlyList<Measured> Parts);

    /// <summary>
    /// Host CPU ms per run per part, and the simulation's under <paramref name="profile"/>, pooled over the fitted
    /// bursts' perf profiles (<paramref name="perf"/>: the host's folded stacks, its runs, and the simulated runs).
    /// </summary>
    public static IReadOnlyList<Measured> Measure(IReadOnlyList<(FoldedStacks Host, int HostRuns, IReadOnlyList<ProfileNode> Simulated)> perf)
    {
        var hostSamples = new Dictionary<Part, long>();
        var hostMs = new Dictionary<Part, double>();
        var simMs = new Dictionary<Part, double>();
        foreach (var (host, runs, simulated) in perf)
        {
            foreach (var (stack, n) in host.Stacks)
            {
                var frames = ProfileComparison.CanonicalStack(stack);
                if (ProfileComparison.IsKernfsLockContention(frames) || Classify(frames) is not { } part)
                {
                    continue;
                }

                hostSamples[part] = hostSamples.GetValueOrDefault(part) + n;
                hostMs[part] = hostMs.GetValueOrDefault(part) + (n * HostPernetOps.SamplePeriodNs / 1e6 / Math.Max(1, runs));
            }

            var path = new List<string>();
            void Walk(ProfileNode node)
            {
                path.Add(ProfileComparison.CanonicalName(node.Name));
                if (node.SelfMs > 0 && Classify(path) is { } part)
                {
                    simMs[part] = simMs.GetValueOrDefault(part) + (node.SelfMs / Math.Max(1, simulated.Count));
                }

                foreach (var ch in node.Children)
                {
                    Walk(ch);
                }

                path.RemoveAt(path.Count - 1);
            }

            foreach (var root in simulated)
            {
                Walk(root);
            }
        }

        return Enum.GetValues<Part>()
            .Select(p => new Measured(p, hostSamples.GetValueOrDefault(p), hostMs.GetValueOrDefault(p), simMs.GetValueOrDefault(p)))
            .ToList();
    }

    /// <summary>
    /// <paramref name="profile"/> with each measured part's costs multiplied by its ratio. The kobject part holds
    /// device_del's own sysfs nodes (<see cref="DeviceTypeSpec.DeviceDelSysfsNodes"/>, costed per node like the
    /// groups) besides the kobjects' own removal: the node cost is set from the groups first, and
    /// <c>kobject_remove_ns</c> takes what the part's measured time leaves, per veth (its kobjects: the device and its
    /// queues).
    /// </summary>
    public static Result Apply(KernelProfile profile, IReadOnlyList<Measured> parts)
    {
        var r = Enum.GetValues<Part>().ToDictionary(p => p, _ => 1.0);
        foreach (var p in parts.Where(p => IsApplied(p.Part)))
        {
            r[p.Part] = p.Ratio;
        }

        long S(long v, Part part) => Math.Max(v == 0 ? 0 : 1, (long)Math.Round(v * r[part]));
        var c = profile.Costs;
        var veth = profile.Devices.FirstOrDefault(d => d.Kind == "veth");
        var kobjects = 1 + (veth is null ? 2 : veth.RxQueues + veth.TxQueues);
        var own = veth?.DeviceDelSysfsNodes ?? 0;
        var node = S(c.SysfsNodeRemoveNs, Part.SysfsGroups);
        // The kobject part per veth before: kobjects × kobject_remove_ns + own nodes × sysfs_node_remove_ns; after: the
        // ratio times that, with the own nodes at their new cost.
        var kobjectPart = (kobjects * c.KobjectRemoveNs) + (own * c.SysfsNodeRemoveNs);
        var kobject = Math.Max(1, (long)Math.Round(((kobjectPart * r[Part.Kobject]) - (own * node)) / kobjects));
        var costs = c with
        {
            TodoPerDeviceNs = S(c.TodoPerDeviceNs, Part.Todo),
            DeviceFreeNs = S(c.DeviceFreeNs, Part.Todo),
            SysfsNodeRemoveNs = node,
            KobjectRemoveNs = kobject,
            DeviceNotifierNs = S(c.DeviceNotifierNs, Part.Notifier),
            DeviceDellinkNs = S(c.DeviceDellinkNs, Part.Dellink),
        };
        var devices = profile.Devices.Select(d => d.Kind == "veth" ? d with { UnregisterExtraNs = S(d.UnregisterExtraNs, Part.Notifier) } : d).ToList();
        return new Result(profile with { Costs = costs, Devices = devices }, parts);
    }

    /// <summary>The provenance sentence of a measurement.</summary>
    public static string Describe(IReadOnlyList<Measured> parts)
    {
        var c = CultureInfo.InvariantCulture;
        var each = string.Join(", ", parts.Select(p => p.HostSamples < MinSamples
            ? string.Create(c, $"{Name(p.Part)} not measured ({p.HostSamples} samples)")
            : string.Create(c, $"{Name(p.Part)} host {p.HostMsPerRun:F1} ms vs simulated {p.SimulatedMsPerRun:F1} ms per run ×{p.Ratio:F3}{(IsApplied(p.Part) ? "" : " (stated, not applied: its costs are the creations' too)")} ({p.HostSamples} samples)")));
        return $"Device round measured on the fitted bursts' perf profiles (CPU per run in the perf window; each part's costs × host/simulated): {each}; ";
    }

    private static string Name(Part p) => p switch
    {
        Part.Todo => "netdev_run_todo (todo_per_device_ns, device_free_ns)",
        Part.SysfsGroups => "sysfs_remove_groups (sysfs_node_remove_ns)",
        Part.Uevent => "kobject_uevent",
        Part.Kobject => "kobjects and device_del's own nodes (kobject_remove_ns)",
        Part.Notifier => "notifier chain (device_notifier_ns, veth unregister_extra_ns)",
        _ => "RTM_DELLINK (device_dellink_ns)",
    };
}
