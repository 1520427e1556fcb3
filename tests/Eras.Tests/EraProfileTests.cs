using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Eras.Tests;

/// <summary>The shipped era profiles: they load, name their sources, and carry each era's switches (KERNEL-MODEL.md §6).</summary>
[TestFixture]
public sealed class EraProfileTests
{
    private static readonly string[] Eras = ["v4.9", "v4.15", "v4.18", "v5.3", "v5.18", "v6.9", "v6.18", "v7.0"];

    [TestCaseSource(nameof(Eras))]
    public void Load_ShippedEra_ValidWithSourcesAndProvenance(string id)
    {
        var p = KernelProfileLoader.Load(id);

        Assert.That(p.Id, Is.EqualTo(id));
        Assert.That(p.Sources, Is.Not.Empty);
        Assert.That(p.Provenance, Does.Contain("estimate").IgnoreCase.Or.Contain("carried over"));
    }

    [Test]
    public void Load_Eras_SwitchesTurnOnInOrderAndStayOn()
    {
        var p = Eras.Select(KernelProfileLoader.Load).ToArray();
        var switches = new (string Name, Func<KernelProfile, bool> On, string FirstEra)[]
        {
            ("tunnels per batch", k => k.PernetOps.Where(o => o.Behaviour == PernetOpBehaviour.Tunnel).All(o => o.TunnelTeardown != TunnelTeardownKind.PerNet), "v4.15"),
            ("shared uevent skb", k => k.Structure.UeventSkbShared, "v4.15"),
            ("dying netns uevents suppressed (002d8a1a6c11)", k => k.Structure.DyingNetnsUevents == DyingNetnsUevents.Suppressed, "v4.15"),
            ("teardown RCU callbacks", k => k.Costs.DeviceRcuCallbacks > 0, "v4.15"),
            ("unhash_nsid outside net_rwsem", k => k.Structure.NsidUnhash == NsidUnhashLock.NsidLockOnly, "v4.18"),
            ("per-netns inet6 address hash (4caaf75888d8)", k => k.Structure.Inet6AddrHash == Inet6AddrHash.PerNetns, "v5.18"),
            ("atomic dev_unreg_count", k => k.Structure.TodoRtnlRoundTrips == 0, "v6.9"),
            ("netdev_wait_allrefs_any", k => k.Structure.TodoFreeOrder == TodoFreeOrder.AnyOrder, "v6.9"),
            ("nf_conntrack sync expedited (1ebb85f9c03d)", k => k.PernetOps.Any(o => o.ExitSyncCall == ExitSyncCall.SynchronizeRcuExpedited), "v6.9"),
            ("no one-CPU synchronize_rcu short-cut", k => !k.Rcu.SingleCpuShortcut, "v6.9"),
            ("shared setup lock", k => k.Structure.SetupLock == SetupLockKind.Shared, "v4.18"),
            ("llist cleanup_list", k => k.Structure.CleanupList == CleanupListKind.Llist, "v4.18"),
            ("uevents to the owning netns", k => k.Structure.UeventDelivery == UeventDeliveryKind.OwningNetns, "v4.18"),
            ("net_rwsem", k => k.Structure.NetListLock == NetListLockKind.NetRwsem, "v4.18"),
            ("pre_exit", k => k.Structure.PreExit, "v5.3"),
            ("no per-CPU sockets", k => k.PernetOps.All(o => o.PerCpuSockets == 0), "v5.18"),
            ("default_device_exit batched", k => !k.Structure.DefaultDeviceExitPerNet, "v5.18"),
            ("exit_batch_rtnl", k => k.Structure.ExitBatchRtnl, "v6.9"),
            ("expedited cleanup GP", k => k.Structure.CleanupSync == CleanupSyncKind.Expedited, "v6.9"),
            ("synchronize_net expedited from cleanup_net (0734d7c3d93c)", k => k.Structure.SynchronizeNetExpedited == SynchronizeNetExpedited.RtnlHeldOrCleanupNet, "v6.18"),
            ("batched nsid removal", k => k.Structure.NsidRemoval == NsidRemovalKind.Batched, "v7.0"),
        };

        // e759e1e4a4bd reverted the RTNL releases around unregister waits: no era has them.
        Assert.That(p.Any(k => k.Structure.RtnlDropAroundWaits), Is.False);
        foreach (var (name, on, first) in switches)
        {
            var firstIndex = Array.IndexOf(Eras, first);
            for (var i = 0; i < Eras.Length; i++)
            {
                Assert.That(on(p[i]), Is.EqualTo(i >= firstIndex), $"{name} in {Eras[i]}");
            }
        }
    }

    [Test]
    public void Load_V4_9_UnchangedSeedCalibration()
    {
        var p = KernelProfileLoader.Load("v4.9");

        Assert.That(p.Costs.UeventSocketDeliverNs, Is.EqualTo(540));
        Assert.That(p.PernetOps.Single(o => o.Name == "rpcsec_gss_exit_net").ExitNs, Is.EqualTo(530_000));
    }
}
