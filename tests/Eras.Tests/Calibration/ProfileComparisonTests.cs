using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>The host's perf stacks folded into the simulated profile's shape (docs/calibration.md, validate).</summary>
[TestFixture]
public sealed class ProfileComparisonTests
{
    private static ProfileNode Node(string name, double totalMs, params ProfileNode[] children) => new() { Name = name, TotalMs = totalMs, Children = children };

    // all → kworker → cleanup_net (80) → ops_exit_list.isra.4 (80) → unregister_netdevice_many (60) → netdev_unregister_kobject (40) → device_del (10);
    // all → unshare → copy_net_ns (20); other host work is outside the roots.
    private static readonly ProfileNode Simulated = Node("all", 150,
        Node("kworker/u:netns", 80, Node("cleanup_net", 80, Node("ops_exit_list.isra.4", 80, Node("unregister_netdevice_many", 60, Node("netdev_unregister_kobject", 40, Node("device_del", 10)))))),
        Node("unshare", 20, Node("copy_net_ns", 20)),
        Node("host_other_work", 50));

    private static FoldedStacks Host()
    {
        var text = string.Join('\n',
            "kworker/u8:1 1",
            "",
            // device_del right under unregister_netdevice_many_notify: netdev_unregister_kobject's tail call hid it.
            "0 device_remove_attrs", "0 device_del", "0 unregister_netdevice_many_notify", "0 default_device_exit_batch", "0 ops_undo_list", "0 cleanup_net", "0 process_one_work",
            "",
            "0 kernfs_remove", "0 netdev_unregister_kobject.constprop.0", "0 unregister_netdevice_many_notify", "0 ops_undo_list", "0 cleanup_net",
            "",
            "0 setup_net", "0 copy_net_ns", "0 __x64_sys_unshare",
            "",
            "0 clang_compile", "0 do_syscall_64",
            "");
        // perf script prints an address and a symbol per frame, leaf first, a blank line after each sample.
        return FoldedStacks.Parse(new StringReader(text.Replace("\n0 ", "\n\tffffffff81000000 ", StringComparison.Ordinal)));
    }

    [Test]
    public void Parse_PerfScript_KeepsOnlyStacksUnderTheRoots()
    {
        var f = Host();

        Assert.That(f.TotalSamples, Is.EqualTo(5));
        Assert.That(f.Stacks.Values.Sum(), Is.EqualTo(3), "the compiler's stack and the sample without frames are not the teardown's");
        Assert.That(f.Stacks.Keys, Has.Some.Contains("netdev_unregister_kobject;kernfs_remove"), "the .constprop.0 suffix dropped");
    }

    [Test]
    public void Compare_TailCallAndRenames_FoldIntoTheSimulatedNames()
    {
        var shares = ProfileComparison.Compare(Host(), Simulated).ToDictionary(s => s.Function, s => s);

        Assert.That(shares.Keys, Is.Unique);
        Assert.That(shares.Keys, Does.Not.Contain("host_other_work"));
        Assert.That(shares["netdev_unregister_kobject"].RealPct, Is.EqualTo(66.67).Within(0.01), "2 of 3 samples: the tail call's hidden frame restored");
        Assert.That(shares["device_del"].RealPct, Is.EqualTo(33.33).Within(0.01));
        Assert.That(shares["ops_exit_list"].RealPct, Is.EqualTo(66.67).Within(0.01), "ops_undo_list is ops_exit_list's name since 6.16");
        Assert.That(shares["cleanup_net"].SimulatedPct, Is.EqualTo(80).Within(0.01), "shares of the time under the roots (100 ms), not of all 150");
        Assert.That(shares["device_del"].SimulatedPct, Is.EqualTo(10).Within(0.01));
    }

    [Test]
    public void Compare_KernfsLockContention_LeftOutOfTheHostShares()
    {
        var f = FoldedStacks.Load(WriteFolded(
            "ret_from_fork;kthread;cleanup_net;ops_undo_list;unregister_netdevice_many_notify;device_del;kernfs_remove_by_name_ns;kernfs_find_ns 2",
            // contended: the writer in the slowpath, and waking the observer's readers on release
            "ret_from_fork;kthread;cleanup_net;ops_undo_list;unregister_netdevice_many_notify;device_del;kernfs_remove_by_name_ns;down_write;rwsem_down_write_slowpath 3",
            "ret_from_fork;kthread;cleanup_net;ops_undo_list;unregister_netdevice_many_notify;device_del;kernfs_remove_by_name_ns;up_write;rwsem_wake;try_to_wake_up 4",
            // another rwsem's slowpath (not kernfs's) is kept
            "ret_from_fork;kthread;cleanup_net;down_write;rwsem_down_write_slowpath 1",
            "__x64_sys_unshare;copy_net_ns 1"));

        var shares = ProfileComparison.Compare(f, Simulated).ToDictionary(s => s.Function, s => s);

        Assert.That(ProfileComparison.AnchoredSamples(f), Is.EqualTo(11));
        Assert.That(ProfileComparison.ContendedSamples(f), Is.EqualTo(7));
        Assert.That(shares["device_del"].RealPct, Is.EqualTo(50).Within(0.01), "2 of the 4 uncontended samples");
        Assert.That(shares["cleanup_net"].RealPct, Is.EqualTo(75).Within(0.01));
        Assert.That(shares["copy_net_ns"].RealPct, Is.EqualTo(25).Within(0.01));
    }

    [Test]
    public void IsKernfsLockContention_UncontendedLockOrOtherCaller_IsNot()
    {
        Assert.That(ProfileComparison.IsKernfsLockContention(["cleanup_net", "kernfs_remove", "down_write"]), Is.False, "the fast path: no slowpath frame");
        Assert.That(ProfileComparison.IsKernfsLockContention(["cleanup_net", "kernfs_remove", "down_write", "rwsem_down_write_slowpath"]), Is.True);
        Assert.That(ProfileComparison.IsKernfsLockContention(["cleanup_net", "__kobject_del", "up_write", "rwsem_wake"]), Is.True, "kernfs_remove inlined into __kobject_del");
        Assert.That(ProfileComparison.IsKernfsLockContention(["copy_net_ns", "register_pernet", "down_write", "rwsem_down_write_slowpath"]), Is.False);
    }

    private static string WriteFolded(params string[] lines)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"folded-{TestContext.CurrentContext.Test.ID}.txt");
        File.WriteAllLines(path, ["# perf record; total samples 20", .. lines]);
        return path;
    }

    [Test]
    public void Merge_TwoRuns_AddsEveryStackAndTheTotals()
    {
        var a = FoldedStacks.Load(WriteFolded("cleanup_net;ops_undo_list 3", "__x64_sys_unshare;copy_net_ns 1"));
        var b = FoldedStacks.Load(WriteFolded("cleanup_net;ops_undo_list 2", "cleanup_net;synchronize_rcu_expedited 5"));

        var pooled = FoldedStacks.Merge([a, b]);

        Assert.That(pooled.Stacks["cleanup_net;ops_undo_list"], Is.EqualTo(5));
        Assert.That(pooled.Stacks["__x64_sys_unshare;copy_net_ns"], Is.EqualTo(1));
        Assert.That(pooled.Stacks["cleanup_net;synchronize_rcu_expedited"], Is.EqualTo(5));
        Assert.That(pooled.TotalSamples, Is.EqualTo(40), "each file's header says 20");
    }

    [Test]
    public void Compare_PooledRuns_WeighsEachByItsTimeUnderTheRoots()
    {
        // Run 1: 80 ms under cleanup_net of which device_del 10; run 2: 20 ms under cleanup_net, all of it device_del.
        var second = Node("all", 20, Node("kworker/u:netns", 20, Node("cleanup_net", 20, Node("ops_exit_list", 20, Node("unregister_netdevice_many", 20, Node("netdev_unregister_kobject", 20, Node("device_del", 20)))))));

        var shares = ProfileComparison.Compare(Host(), [Simulated, second]).ToDictionary(s => s.Function, s => s);

        Assert.That(shares["device_del"].SimulatedPct, Is.EqualTo(25).Within(0.01), "(10 + 20) of (100 + 20) ms, not the mean of 10% and 100%");
        Assert.That(shares["copy_net_ns"].SimulatedPct, Is.EqualTo(16.67).Within(0.01));
        Assert.That(shares["device_del"].RealPct, Is.EqualTo(ProfileComparison.Compare(Host(), Simulated).Single(s => s.Function == "device_del").RealPct), "the host's side does not change");
    }

    [Test]
    public void RealismScore_IdenticalShares_IsHundred()
    {
        var same = new[] { new FunctionShare("a", 50, 50), new FunctionShare("b", 20, 20) };
        var off = new[] { new FunctionShare("a", 50, 40), new FunctionShare("b", 20, 30) };

        Assert.That(ProfileComparison.RealismScore(same), Is.EqualTo(100));
        Assert.That(ProfileComparison.RealismScore(off), Is.EqualTo(90));
    }
}
