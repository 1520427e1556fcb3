using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Calibration;

/// <summary>
/// The free parameters of a fit: multiplicative scales on groups of a profile's costs. Structure (locks, switches,
/// which ops exist and what they wait for) stays the era's; only how long things take moves.
/// </summary>
public static class CostScales
{
    /// <summary>Parameter names, in the order of a parameter vector.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "init",     // every op's init and per-CPU socket cost, net_alloc, list linking, device registration
        "exit",     // every op's pre_exit, exit, exit_batch and free cost, net_free, uevent_net_exit
        "device",   // device unregistration: unlist, notifiers, dellink, kobjects, uevents, todo, free, RCU callbacks
        "rcu",      // grace periods: normal GP length (jiffies), expedited GP, rcu_barrier
    ];

    /// <summary>
    /// Scales every cost of a group by the matching entry of <paramref name="scales"/>, but the grace-period lengths
    /// <paramref name="measured"/> names, which keep theirs (measured on the host, not fitted:
    /// <see cref="WithMeasuredExpedited"/>, <see cref="WithMeasuredNormalGp"/>).
    /// </summary>
    public static KernelProfile Apply(KernelProfile p, IReadOnlyList<double> scales, MeasuredRcu measured = MeasuredRcu.None)
    {
        var scaleExpedited = !measured.HasFlag(MeasuredRcu.Expedited);
        var scaleNormalBase = !measured.HasFlag(MeasuredRcu.NormalBase);
        double init = scales[0], exit = scales[1], device = scales[2], rcu = scales[3];
        long S(long v, double f) => (long)Math.Round(v * f);
        var c = p.Costs;
        return p with
        {
            Costs = c with
            {
                NetAllocNs = S(c.NetAllocNs, init),
                LinkNetNs = S(c.LinkNetNs, init),
                DeviceRegisterNs = S(c.DeviceRegisterNs, init),
                KobjectAddNs = S(c.KobjectAddNs, init),
                NetFreeNs = S(c.NetFreeNs, exit),
                UeventNetExitBaseNs = S(c.UeventNetExitBaseNs, exit),
                UnlinkNetNs = S(c.UnlinkNetNs, exit),
                DeviceUnlistNs = S(c.DeviceUnlistNs, device),
                DeviceNotifierNs = S(c.DeviceNotifierNs, device),
                DeviceDellinkNs = S(c.DeviceDellinkNs, device),
                KobjectRemoveNs = S(c.KobjectRemoveNs, device),
                SysfsNodeRemoveNs = S(c.SysfsNodeRemoveNs, device),
                KernfsFreeRcuNs = S(c.KernfsFreeRcuNs, device),
                TodoPerDeviceNs = S(c.TodoPerDeviceNs, device),
                DeviceFreeNs = S(c.DeviceFreeNs, device),
                UeventEnvNs = S(c.UeventEnvNs, device),
                FlushBacklogPerCpuNs = S(c.FlushBacklogPerCpuNs, device),
                DeviceRcuCallbackNs = S(c.DeviceRcuCallbackNs, device),
            },
            Rcu = p.Rcu with
            {
                NormalGpBaseJiffies = scaleNormalBase ? p.Rcu.NormalGpBaseJiffies * rcu : p.Rcu.NormalGpBaseJiffies,
                NormalGpBusyExtraJiffies = p.Rcu.NormalGpBusyExtraJiffies * rcu,
                ExpeditedBaseNs = scaleExpedited ? S(p.Rcu.ExpeditedBaseNs, rcu) : p.Rcu.ExpeditedBaseNs,
                ExpeditedPerCpuNs = scaleExpedited ? S(p.Rcu.ExpeditedPerCpuNs, rcu) : p.Rcu.ExpeditedPerCpuNs,
                RcuBarrierBaseNs = S(p.Rcu.RcuBarrierBaseNs, rcu),
            },
            Devices = p.Devices.Select(d => d with { UnregisterExtraNs = S(d.UnregisterExtraNs, device) }).ToList(),
            PernetOps = p.PernetOps.Select(o => o with
            {
                InitNs = S(o.InitNs, init),
                PerCpuSocketNs = S(o.PerCpuSocketNs, init),
                PreExitNs = S(o.PreExitNs, exit),
                ExitNs = S(o.ExitNs, exit),
                ExitPerLiveNetNs = S(o.ExitPerLiveNetNs, exit),
                ExitBatchNs = S(o.ExitBatchNs, exit),
                ExitBatchPerNetNs = S(o.ExitBatchPerNetNs, exit),
                FreeNs = S(o.FreeNs, exit),
            }).ToList(),
        };
    }

    /// <summary>
    /// Moves CPU time between the two largest parts of a device's unregistration while keeping their sum per device:
    /// sysfs removal (<c>kobject_remove_ns</c>, charged once for the device in device_del and once per queue, and
    /// <c>sysfs_node_remove_ns</c> per sysfs node of the device and its queues) × <paramref name="kobjectScale"/>, the
    /// NETDEV_UNREGISTER notifier chain (<c>device_notifier_ns</c>) taking or giving the difference. The host's perf
    /// profile measures this split (device_del's share); the teardown times do not.
    /// </summary>
    public static KernelProfile SplitDevice(KernelProfile p, double kobjectScale, int kobjectsPerDevice, int sysfsNodesPerDevice = 0)
    {
        var c = p.Costs;
        var kobject = (long)Math.Round(c.KobjectRemoveNs * kobjectScale);
        var node = (long)Math.Round(c.SysfsNodeRemoveNs * kobjectScale);
        var notifier = Math.Max(1, c.DeviceNotifierNs + ((c.KobjectRemoveNs - kobject) * kobjectsPerDevice) + ((c.SysfsNodeRemoveNs - node) * sysfsNodesPerDevice));
        return p with { Costs = c with { KobjectRemoveNs = kobject, SysfsNodeRemoveNs = node, DeviceNotifierNs = notifier } };
    }

    /// <summary>
    /// Scales the RCU callbacks a device's teardown queues (kernfs_free_rcu for every removed sysfs node from 6.9,
    /// 4207b556e62f, and the device's own callbacks): their CPU time is rcu_core's / rcu_do_batch's share of the host's
    /// perf profile, which the teardown times barely see (the callbacks run beside the cleanup, on any CPU).
    /// </summary>
    public static KernelProfile ScaleRcuCallbacks(KernelProfile p, double scale)
    {
        var c = p.Costs;
        return p with { Costs = c with { KernfsFreeRcuNs = (long)Math.Round(c.KernfsFreeRcuNs * scale), DeviceRcuCallbackNs = (long)Math.Round(c.DeviceRcuCallbackNs * scale) } };
    }

    /// <summary>
    /// The normal grace period's length with no CPU busy set to a measured one (ns, a caller's synchronize_rcu on the
    /// idle host with <paramref name="cpus"/> CPUs): <c>normal_gp_base_jiffies</c> = (length − per-CPU cost × CPUs) /
    /// jiffy, at least a tenth of a jiffy. The busy CPUs' extra stays the era's, for the rcu scale to fit.
    /// </summary>
    public static KernelProfile WithMeasuredNormalGp(KernelProfile p, long lengthNs, int cpus, int hz)
    {
        var jiffyNs = 1e9 / hz;
        var jiffies = (lengthNs - (p.Rcu.NormalGpPerCpuNs * (double)cpus)) / jiffyNs;
        return p with { Rcu = p.Rcu with { NormalGpBaseJiffies = Math.Round(Math.Max(0.1, jiffies), 4) } };
    }

    /// <summary>
    /// The expedited grace period's length set to a measured one on <paramref name="cpus"/> CPUs: base and per-CPU cost
    /// scaled together, so the era's split between them (and its growth with CPUs) stays.
    /// </summary>
    public static KernelProfile WithMeasuredExpedited(KernelProfile p, long lengthNs, int cpus)
    {
        var r = p.Rcu;
        var modelled = r.ExpeditedBaseNs + (r.ExpeditedPerCpuNs * (long)cpus);
        var f = modelled > 0 ? (double)lengthNs / modelled : 1;
        return p with { Rcu = r with { ExpeditedBaseNs = Math.Max(1, (long)Math.Round(r.ExpeditedBaseNs * f)), ExpeditedPerCpuNs = (long)Math.Round(r.ExpeditedPerCpuNs * f) } };
    }

    /// <summary>
    /// Memory is linear in one unknown, so it is solved, not searched: struct net and per-net data = measured bytes per
    /// netns minus the per-CPU sockets the era still creates for every possible CPU.
    /// </summary>
    public static KernelProfile WithMeasuredMemory(KernelProfile p, double bytesPerNetns, int possibleCpus)
    {
        var perCpu = p.PernetOps.Sum(o => (long)o.PerCpuSockets) * possibleCpus * p.Memory.PerCpuSocketBytes;
        return p with { Memory = p.Memory with { NetBaseBytes = Math.Max(1, (long)Math.Round(bytesPerNetns) - perCpu) } };
    }
}

/// <summary>Grace-period lengths measured on the host, which <see cref="CostScales.Apply"/> leaves out of the rcu scale.</summary>
[Flags]
public enum MeasuredRcu
{
    None = 0,
    /// <summary><c>expedited_base_ns</c> and <c>expedited_per_cpu_ns</c> (<see cref="CostScales.WithMeasuredExpedited"/>).</summary>
    Expedited = 1,
    /// <summary><c>normal_gp_base_jiffies</c> (<see cref="CostScales.WithMeasuredNormalGp"/>).</summary>
    NormalBase = 2,
}
