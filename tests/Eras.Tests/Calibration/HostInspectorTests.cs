using NetnsPolicy.Calibration;

namespace NetnsPolicy.Eras.Tests.Calibration;

[TestFixture]
public sealed class HostInspectorTests
{
    [TestCase("0", 1)]
    [TestCase("0-1", 2)]
    [TestCase("0-3,8,10-11", 7)]
    public void CountCpuList_SysfsRanges_CountsCpus(string list, int expected) =>
        Assert.That(HostInspector.CountCpuList(list), Is.EqualTo(expected));

    [Test]
    public void ParseHz_KernelConfig_ReadsConfigHzNotUserHz()
    {
        const string config = "# CONFIG_HZ_100 is not set\nCONFIG_HZ_250=y\nCONFIG_HZ=250\nCONFIG_HZ_PERIODIC=y\n";

        Assert.That(HostInspector.ParseHz(config), Is.EqualTo(250));
        Assert.That(HostInspector.ParseHz("CONFIG_NET_NS=y\n"), Is.Zero);
    }

    [Test]
    public void ParseUeventListener_KobjectUeventSocketInAGroup_IsListener()
    {
        const string header = "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n";
        const string route = "00000000c1 0   812        00000551 0        0        0     2        0        1511\n";
        const string udevBound = "00000000c2 15  601        00000000 0        0        0     2        0        1620\n";
        const string udevListening = "00000000c3 15  601        00000001 0        0        0     2        0        1621\n";

        Assert.That(HostInspector.ParseUeventListener(header + route + udevBound), Is.False);
        Assert.That(HostInspector.ParseUeventListener(header + route + udevListening), Is.True);
    }

    [TestCase("CONFIG_PREEMPT_NONE=y\nCONFIG_PREEMPTION=y\nCONFIG_PREEMPT_DYNAMIC=y\n", "quiet", "none")]
    [TestCase("CONFIG_PREEMPT_NONE=y\nCONFIG_PREEMPTION=y\nCONFIG_PREEMPT_DYNAMIC=y\n", "quiet preempt=full", "full")]
    [TestCase("CONFIG_PREEMPT_NONE=y\n", "preempt=full", "none")]
    [TestCase("CONFIG_PREEMPT_VOLUNTARY=y\n", "", "voluntary")]
    [TestCase("CONFIG_PREEMPT=y\nCONFIG_PREEMPTION=y\n", "", "full")]
    [TestCase("CONFIG_PREEMPT_LAZY=y\nCONFIG_PREEMPTION=y\n", "", "lazy")]
    [TestCase("CONFIG_NET_NS=y\n", "", "")]
    public void ParsePreemption_ConfigAndCmdline_ReadsTheRunningModel(string config, string cmdline, string expected) =>
        Assert.That(HostInspector.ParsePreemption(config, cmdline).Model, Is.EqualTo(expected));

    [Test]
    public void Inspect_ThisHost_ReadsKernelAndCpus()
    {
        Assume.That(OperatingSystem.IsLinux(), "reads /proc and /sys");
        var h = HostInspector.Inspect(TimeProvider.System);

        Assert.That(h.KernelRelease, Does.Match(@"^\d+\.\d+"));
        Assert.That(h.OnlineCpus, Is.EqualTo(Environment.ProcessorCount).Or.LessThanOrEqualTo(h.PossibleCpus));
        Assert.That(h.PossibleCpus, Is.GreaterThanOrEqualTo(h.OnlineCpus));
    }
}
