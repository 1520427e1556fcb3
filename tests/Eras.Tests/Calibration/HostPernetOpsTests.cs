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
        Assert.That(names, Has.Count.EqualTo(era.PernetOps.Count - 2));
        Assert.That(r.Profile.PernetOps.Single(o => o.Name == "addrconf_exit_net").ExitNs, Is.EqualTo(1_000_000).Within(1));
        Assert.That(r.Profile.PernetOps.Single(o => o.Name == "devinet_exit_net").ExitNs, Is.EqualTo(era.PernetOps.Single(o => o.Name == "devinet_exit_net").ExitNs), "2 samples measure nothing");
        Assert.That(r.UnmodelledExitSamples, Is.EqualTo(7), "mptcp_net_exit: sampled, modelled by no op");
        Assert.That(HostPernetOps.Describe(r), Does.Contain("sunrpc_exit_net"));
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
