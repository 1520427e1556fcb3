using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>The host's own pernet op set (docs/calibration.md): ops its kernel lacks dropped, sampled exit costs measured.</summary>
[TestFixture]
public sealed class HostPernetOpsTests
{
    private static FoldedStacks Stacks(params (string Stack, long Count)[] stacks)
    {
        var f = new FoldedStacks();
        foreach (var (s, n) in stacks)
        {
            f.Stacks[s] = n;
        }

        return f;
    }

    [Test]
    public void Apply_HostWithoutSunrpc_DropsItsOpsAndMeasuresSampledExits()
    {
        var era = KernelProfileLoader.Load("v6.18");
        // The host's symbols: every op of the era but SUNRPC's (this VM: CONFIG_SUNRPC off, no modules).
        var symbols = era.PernetOps.Select(o => o.Name).Where(n => n is not "sunrpc_exit_net" and not "rpcsec_gss_exit_net").ToHashSet(StringComparer.Ordinal);
        // 999 samples of addrconf_exit_net over 1000 netns torn down: 1 ms of CPU per netns.
        var perf = Stacks(
            ("kthread;worker_thread;process_one_work;cleanup_net;ops_undo_list;addrconf_exit_net", 600),
            ("kthread;worker_thread;process_one_work;cleanup_net;ops_undo_list;addrconf_exit_net;kfree", 399),
            ("kthread;worker_thread;process_one_work;cleanup_net;ops_undo_list;devinet_exit_net", 2),
            ("kthread;worker_thread;process_one_work;cleanup_net;ops_undo_list;mptcp_net_exit", 7));

        var r = HostPernetOps.Apply(era, symbols, [(perf, 1000)]);
        var names = r.Profile.PernetOps.Select(o => o.Name).ToList();

        Assert.That(r.Dropped, Is.EqualTo(new[] { "sunrpc_exit_net", "rpcsec_gss_exit_net" }));
        Assert.That(names, Does.Not.Contain("sunrpc_exit_net").And.Not.Contain("rpcsec_gss_exit_net"));
        Assert.That(names, Has.Count.EqualTo(era.PernetOps.Count - 2 + 1), "and mptcp_net_exit's work as the unmodelled exits' op");
        Assert.That(r.Profile.PernetOps.Single(o => o.Name == "addrconf_exit_net").ExitNs, Is.EqualTo(1_000_000).Within(1));
        Assert.That(r.Profile.PernetOps.Single(o => o.Name == "devinet_exit_net").ExitNs, Is.EqualTo(era.PernetOps.Single(o => o.Name == "devinet_exit_net").ExitNs), "2 samples measure nothing");
        Assert.That(r.UnmodelledExitSamples, Is.EqualTo(7), "mptcp_net_exit: sampled, modelled by no op");
        Assert.That(r.Profile.PernetOps.Single(o => o.Name == HostPernetOps.UnmodelledExitsOp).ExitNs, Is.EqualTo(7007).Within(1), "7 samples × 1/999 s over 1000 netns");
        Assert.That(HostPernetOps.Describe(r), Does.Contain("sunrpc_exit_net"));
    }

    [Test]
    public void UnmodelledExitWork_InlinedAndUnlistedExits_NotTheDeviceRoundNorModelledOpsNorTheLoopsWaits()
    {
        var modelled = new HashSet<string>(StringComparer.Ordinal) { "addrconf_exit_net" };
        var perf = Stacks(
            ("kthread;cleanup_net;ops_undo_list;remove_proc_entry;proc_match", 5), // an exit inlined into ops_undo_list
            ("kthread;cleanup_net;ops_undo_list", 2),                               // the loop itself
            ("kthread;cleanup_net;ops_undo_list;brnf_exit_net;kfree", 3),           // an exit no op lists
            ("kthread;cleanup_net;ops_undo_list;addrconf_exit_net;remove_proc_entry", 11),
            ("kthread;cleanup_net;ops_undo_list;default_device_exit_batch;unregister_netdevice_many_notify", 40),
            ("kthread;cleanup_net;ops_undo_list;__cond_resched", 4),
            ("unshare;copy_net_ns;setup_net;ops_undo_list;remove_proc_entry", 6)); // setup_net's error unwind, not a teardown

        Assert.That(HostPernetOps.UnmodelledExitWork([perf], modelled), Is.EqualTo(10));
    }

    [Test]
    public void Apply_TooFewUnmodelledSamples_AddsNoOp()
    {
        var era = KernelProfileLoader.Load("v6.18");
        var symbols = era.PernetOps.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);

        var r = HostPernetOps.Apply(era, symbols, [(Stacks(("cleanup_net;ops_undo_list;kfree", 2)), 100)]);

        Assert.That(r.Profile.PernetOps.Select(o => o.Name), Does.Not.Contain(HostPernetOps.UnmodelledExitsOp));
        Assert.That(r.UnmodelledWorkSamples, Is.EqualTo(2));
    }

    [Test]
    public void Apply_RenamedOrBatchOnlyFunctions_KeepTheirOps()
    {
        var era = KernelProfileLoader.Load("v6.18");
        // 6.x names: udp_pernet_exit (udp_exit_net), tcp_net_metrics_exit_batch, icmp_sk_init (no exit method).
        var symbols = era.PernetOps.Select(o => o.Name)
            .Where(n => n is not "udp_exit_net" and not "tcp_net_metrics_exit" and not "icmp_sk_exit")
            .Concat(["udp_pernet_exit", "tcp_net_metrics_exit_batch", "icmp_sk_init"]).ToHashSet(StringComparer.Ordinal);

        var r = HostPernetOps.Apply(era, symbols, []);

        Assert.That(r.Dropped, Is.Empty);
        Assert.That(r.Profile.PernetOps, Is.EqualTo(era.PernetOps));
    }

    [Test]
    public void ReadKallsyms_TextSymbols_InitAndExitNamesWithoutSuffixes()
    {
        var kallsyms = string.Join('\n',
            "ffffffff820df9d0 t addrconf_exit_net",
            "ffffffff820df9c0 t __pfx_addrconf_exit_net",
            "ffffffff81e6cd40 t default_device_exit_batch.cold",
            "ffffffff83000000 d init_net",
            "ffffffff81000000 T tcp_sk_init",
            "ffffffff81000010 T tcp_v4_rcv");

        var names = HostPernetOps.ReadKallsyms(new StringReader(kallsyms));

        Assert.That(names, Is.EqualTo(new[] { "addrconf_exit_net", "default_device_exit_batch", "tcp_sk_init" }));
    }
}
