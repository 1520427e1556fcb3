using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>A device's unregistration measured part by part on the host's perf profile (docs/calibration.md "The shipped fit, twelfth round").</summary>
[TestFixture]
public sealed class HostDeviceCostsTests
{
    private const string Unregister = "kthread;worker_thread;process_one_work;cleanup_net;ops_undo_list;default_device_exit_batch;unregister_netdevice_many_notify";

    private static FoldedStacks Stacks(params (string Stack, long Count)[] stacks)
    {
        var f = new FoldedStacks();
        foreach (var (s, n) in stacks)
        {
            f.Stacks[s] = n;
        }

        return f;
    }

    private static List<string> Frames(string folded) => ProfileComparison.CanonicalStack(folded);

    [Test]
    public void Classify_HostStacks_EachPartByTheFramesThatMakeIt()
    {
        Assert.Multiple(() =>
        {
            // device_del is a tail call of netdev_unregister_kobject: the hidden frame is put back, so its groups are the groups part.
            Assert.That(HostDeviceCosts.Classify(Frames(Unregister + ";device_del;device_remove_attrs;sysfs_remove_groups;sysfs_remove_group;remove_files")), Is.EqualTo(HostDeviceCosts.Part.SysfsGroups));
            Assert.That(HostDeviceCosts.Classify(Frames(Unregister + ";device_del;dpm_sysfs_remove;sysfs_unmerge_group")), Is.EqualTo(HostDeviceCosts.Part.Kobject), "the power group is device_del's own node");
            Assert.That(HostDeviceCosts.Classify(Frames(Unregister + ";netdev_unregister_kobject;net_rx_queue_update_kobjects;kobject_put;kobject_uevent_env")), Is.EqualTo(HostDeviceCosts.Part.Uevent));
            Assert.That(HostDeviceCosts.Classify(Frames(Unregister + ";netdev_unregister_kobject;kset_unregister;__kobject_del")), Is.EqualTo(HostDeviceCosts.Part.Kobject));
            Assert.That(HostDeviceCosts.Classify(Frames(Unregister + ";notifier_call_chain;inetdev_event")), Is.EqualTo(HostDeviceCosts.Part.Notifier));
            Assert.That(HostDeviceCosts.Classify(Frames(Unregister + ";rtmsg_ifinfo_build_skb;rtnl_fill_ifinfo")), Is.EqualTo(HostDeviceCosts.Part.Dellink));
            Assert.That(HostDeviceCosts.Classify(Frames("kthread;cleanup_net;ops_undo_list;default_device_exit_batch;netdev_run_todo;free_netdev;kfree")), Is.EqualTo(HostDeviceCosts.Part.Todo));
            Assert.That(HostDeviceCosts.Classify(Frames(Unregister + ";unlist_netdevice")), Is.Null, "not a measured part");
            Assert.That(HostDeviceCosts.Classify(Frames("kthread;cleanup_net;ops_undo_list;addrconf_exit_net;notifier_call_chain")), Is.Null, "a notifier outside the device round");
        });
    }

    [Test]
    public void Classify_SimulatedPaths_TheSameParts()
    {
        string[] rollback = ["kworker/u:netns", "cleanup_net", "ops_exit_list.isra.4", "default_device_exit_batch", "unregister_netdevice_many", "rollback_registered_many"];
        Assert.Multiple(() =>
        {
            Assert.That(HostDeviceCosts.Classify([.. rollback, "call_netdevice_notifiers_info"]), Is.EqualTo(HostDeviceCosts.Part.Notifier));
            Assert.That(HostDeviceCosts.Classify([.. rollback, "rtmsg_ifinfo_build_skb"]), Is.EqualTo(HostDeviceCosts.Part.Dellink));
            Assert.That(HostDeviceCosts.Classify([.. rollback, "netdev_unregister_kobject", "device_del"]), Is.EqualTo(HostDeviceCosts.Part.Kobject));
            Assert.That(HostDeviceCosts.Classify([.. rollback, "netdev_unregister_kobject", "device_del", "sysfs_remove_groups"]), Is.EqualTo(HostDeviceCosts.Part.SysfsGroups));
            Assert.That(HostDeviceCosts.Classify([.. rollback, "netdev_unregister_kobject", "netdev_queue_update_kobjects", "kobject_put", "kobject_uevent", "kobject_uevent_env"]), Is.EqualTo(HostDeviceCosts.Part.Uevent));
            Assert.That(HostDeviceCosts.Classify(["kworker/u:netns", "cleanup_net", "ops_exit_list", "default_device_exit_batch", "rtnl_unlock", "netdev_run_todo", "netdev_freemem"]), Is.EqualTo(HostDeviceCosts.Part.Todo));
        });
    }

    [Test]
    public void Measure_HostAgainstSimulated_PerRunRatios()
    {
        // 3 host runs pooled; 999 samples of the notifier chain are 1 s of CPU, 333 ms per run.
        var host = Stacks(
            (Unregister + ";notifier_call_chain;fib_netdev_event", 999),
            (Unregister + ";rtmsg_ifinfo_build_skb", 5),
            (Unregister + ";device_del;kernfs_remove;down_write;rwsem_down_write_slowpath", 500));
        var sim = new ProfileNode
        {
            Name = "cleanup_net",
            TotalMs = 700,
            Children =
            [
                new ProfileNode
                {
                    Name = "unregister_netdevice_many",
                    TotalMs = 700,
                    Children =
                    [
                        new ProfileNode { Name = "call_netdevice_notifiers_info", SelfMs = 666, TotalMs = 666 },
                        new ProfileNode { Name = "rtmsg_ifinfo_build_skb", SelfMs = 34, TotalMs = 34 },
                    ],
                },
            ],
        };

        var parts = HostDeviceCosts.Measure([(host, 3, [sim])]).ToDictionary(p => p.Part);

        Assert.That(parts[HostDeviceCosts.Part.Notifier].HostMsPerRun, Is.EqualTo(1000.0 / 3).Within(0.01));
        Assert.That(parts[HostDeviceCosts.Part.Notifier].Ratio, Is.EqualTo(0.5).Within(0.001));
        Assert.That(parts[HostDeviceCosts.Part.Dellink].Ratio, Is.EqualTo(1), "5 samples measure nothing");
        Assert.That(parts[HostDeviceCosts.Part.Kobject].HostSamples, Is.Zero, "the kernfs lock's contention is left out, as in the share comparison");
    }

    [Test]
    public void Apply_KobjectPart_NodeCostFromTheGroupsThenKobjectFromTheRest()
    {
        var era = KernelProfileLoader.Load("v6.18");
        var veth = era.Devices.Single(d => d.Kind == "veth");
        HostDeviceCosts.Measured[] parts =
        [
            new(HostDeviceCosts.Part.SysfsGroups, 100, 200, 100),   // ×2
            new(HostDeviceCosts.Part.Kobject, 100, 300, 100),       // ×3
            new(HostDeviceCosts.Part.Notifier, 100, 50, 100),       // ×0.5
            new(HostDeviceCosts.Part.Todo, 100, 25, 100),           // ×0.25
            new(HostDeviceCosts.Part.Uevent, 100, 30, 100),         // ×0.3, stated but not applied
            new(HostDeviceCosts.Part.Dellink, 100, 100, 100),       // ×1
        ];

        var p = HostDeviceCosts.Apply(era, parts).Profile;
        var c = era.Costs;
        var kobjects = 1 + veth.RxQueues + veth.TxQueues;
        var own = veth.DeviceDelSysfsNodes;

        Assert.That(own, Is.GreaterThan(0), "v6.18 charges device_del's own nodes to device_del");
        Assert.That(p.Costs.SysfsNodeRemoveNs, Is.EqualTo(2 * c.SysfsNodeRemoveNs));
        // The kobject part per veth tripled, its own nodes at the new node cost.
        Assert.That((kobjects * p.Costs.KobjectRemoveNs) + (own * p.Costs.SysfsNodeRemoveNs), Is.EqualTo(3 * ((kobjects * c.KobjectRemoveNs) + (own * c.SysfsNodeRemoveNs))).Within(kobjects));
        Assert.That(p.Costs.DeviceNotifierNs, Is.EqualTo(c.DeviceNotifierNs / 2).Within(1));
        Assert.That(p.Devices.Single(d => d.Kind == "veth").UnregisterExtraNs, Is.EqualTo(veth.UnregisterExtraNs / 2).Within(1));
        Assert.That(p.Devices.Single(d => d.Kind == "loopback").UnregisterExtraNs, Is.EqualTo(era.Devices.Single(d => d.Kind == "loopback").UnregisterExtraNs));
        Assert.That(p.Costs.TodoPerDeviceNs, Is.EqualTo(c.TodoPerDeviceNs / 4).Within(1));
        Assert.That(p.Costs.DeviceFreeNs, Is.EqualTo(c.DeviceFreeNs / 4).Within(1));
        Assert.That(p.Costs.UeventEnvNs, Is.EqualTo(c.UeventEnvNs), "the uevent costs are the creations' too");
        Assert.That(p.Costs.DeviceDellinkNs, Is.EqualTo(c.DeviceDellinkNs));
        Assert.That(HostDeviceCosts.Describe(parts), Does.Contain("×0.300 (stated, not applied"));
        Assert.That(HostDeviceCosts.Describe([.. parts[..5], new(HostDeviceCosts.Part.Dellink, 3, 1, 100)]), Does.Contain("not measured (3 samples)"));
    }
}
