using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Simulation.Tests.Kernel;

/// <summary>
/// The v4.9 profile against the seed thread's measurements (KERNEL-MODEL.md §9), each with its stated tolerance.
/// </summary>
[TestFixture]
public sealed class SeedCalibrationTests
{
    private RunResult _withUevents = null!;
    private RunResult _withoutUevents = null!;

    [OneTimeSetUp]
    public void RunSeed()
    {
        _withUevents = Sim.Run("seed-1000-maxcpus1");
        _withoutUevents = Sim.Run("seed-1000-maxcpus1", TestPolicies.SkipDyingUevents());
    }

    [Test]
    public void Teardown_SeedWithUevents_Is2Point8SecondsWithin15Percent()
    {
        Assert.That(_withUevents.Status, Is.EqualTo(RunStatus.Ok));
        Assert.That(_withUevents.TeardownSeconds, Is.EqualTo(2.8).Within(15).Percent);
    }

    [Test]
    public void Teardown_SeedWithUeventsSuppressed_Is1Point2SecondsWithin15Percent()
    {
        Assert.That(_withoutUevents.Uevents.Suppressed, Is.GreaterThan(0));
        Assert.That(_withoutUevents.TeardownSeconds, Is.EqualTo(1.2).Within(15).Percent);
    }

    [Test]
    public void PeakMemory_Seed1000Namespaces_Is300MegabytesWithin10Percent()
    {
        Assert.That(_withUevents.PeakMemoryBytes, Is.EqualTo(300e6).Within(10).Percent);
    }

    [TestCase("default_device_exit_batch", 60.48)]
    [TestCase("rpcsec_gss_exit_net", 19.27)]
    [TestCase("tcp_net_metrics_exit", 5.45)]
    [TestCase("sunrpc_exit_net", 5.31)]
    [TestCase("ip6addrlbl_net_exit", 3.18)]
    public void ProfileShare_SeedPerfOutput_WithinFivePoints(string function, double seedPercent)
    {
        var share = Sim.Share(_withUevents.Profile, function);
        Assert.That(share, Is.EqualTo(seedPercent).Within(5.0), $"{function}: simulated {share:F2}% vs perf {seedPercent}%");
    }

    [Test]
    public void ProfileShare_UeventsOfDeviceUnregistration_DominateWithUevents()
    {
        var unregister = Sim.ProfileMs(_withUevents.Profile, "unregister_netdevice_many");
        var uevents = Sim.ProfileMs(_withUevents.Profile, "kobject_uevent");
        Assert.That(uevents / unregister, Is.GreaterThan(0.9), "the seed's perf: kobject_uevent is nearly all of unregister_netdevice_many");
    }

    [Test]
    public void Teardown_SeedDebugKernel_Is8SecondsWithin20Percent()
    {
        var debug = Sim.Run("seed-1000-debug");
        Assert.That(debug.Status, Is.EqualTo(RunStatus.Ok));
        Assert.That(debug.TeardownSeconds, Is.EqualTo(8.0).Within(20).Percent);
    }

    [Test]
    public void UeventCost_PerSocketVisit_IsAboutHalfAMicrosecond()
    {
        // KERNEL-MODEL.md §3.3: ≈3000 uevents over ≈1000 sockets cost ≈1.6 s, about half a microsecond per visit.
        var extraSeconds = _withUevents.TeardownSeconds - _withoutUevents.TeardownSeconds;
        var extraVisits = _withUevents.Uevents.SocketVisits - _withoutUevents.Uevents.SocketVisits;
        Assert.That(extraSeconds, Is.EqualTo(1.6).Within(15).Percent);
        Assert.That(extraSeconds * 1e6 / extraVisits, Is.EqualTo(0.5).Within(20).Percent);
    }

    [Test]
    public void SynchronizeRcu_OneOnlineCpu_ReturnsAtOnce()
    {
        // rcu_blocking_is_gp(): with one online CPU and no preemption, synchronize_rcu is a no-op —
        // which is why the seed measured with maxcpus=1.
        Assert.That(_withUevents.Rcu.SynchronizeShortcut, Is.GreaterThan(0));
        Assert.That(_withUevents.Rcu.WaitTotalMs, Is.EqualTo(0));
    }
}
