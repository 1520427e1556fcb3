using NetnsPolicy.Calibration;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>What the probe records of the machine around each experiment: /proc/stat's times and the reference work.</summary>
[TestFixture]
public sealed class HostActivityTests
{
    private const string ProcStat = "cpu  977142 577 137355 10723139 18659 0 4863 3131 0 0\ncpu0 460749 285 62022 5402636 2563 0 2220 1543 0 0\nintr 1 2 3\n";

    [Test]
    public void Parse_AggregateLine_ReadsTheEightTimesInOrder()
    {
        var t = CpuTimes.Parse(ProcStat, 100);

        Assert.That(t, Is.EqualTo(new CpuTimes(977142, 577, 137355, 10723139, 18659, 0, 4863, 3131, 100)));
    }

    [TestCase("cpu0 1 2 3 4 5 6 7 8 0 0\n", "first line")]
    [TestCase("cpu  1 2 3 4 5 6 7\n", "first line")]
    [TestCase("cpu  1 2 x 4 5 6 7 8 0 0\n", "field 3")]
    [TestCase("cpu  1 2 -3 4 5 6 7 8 0 0\n", "field 3")]
    [TestCase("", "first line")]
    public void Parse_NotTheAggregateLine_SaysWhatIsWrong(string text, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => CpuTimes.Parse(text, 100))!;

        Assert.That(e.Message, Does.Contain("/proc/stat").And.Contain(expected));
    }

    [Test]
    public void Parse_NoTickRate_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuTimes.Parse(ProcStat, 0));

    [Test]
    public void Subtract_DifferentTickRates_Refused() =>
        Assert.Throws<ArgumentException>(() => _ = new CpuTimes(1, 0, 0, 0, 0, 0, 0, 0, 100) - new CpuTimes(0, 0, 0, 0, 0, 0, 0, 0, 250));

    /// <summary>
    /// 100 ticks per second: a tick is 10 ms. Busy is user+nice+system+irq+softirq+steal (idle and iowait are time
    /// nobody wanted the vCPU), and steal's share of it is what the hypervisor took.
    /// </summary>
    [Test]
    public void Between_TwoReadings_MillisecondsAndStealShareOfBusyTime()
    {
        var before = new CpuTimes(1000, 10, 500, 9000, 40, 0, 20, 30, 100);
        var after = new CpuTimes(1060, 10, 620, 9100, 50, 0, 30, 40, 100);
        var reference = new ReferenceRuns([10.0, 11.0], [60.0, 62.0]);

        var a = HostActivity.Between(before, after, 1234.56789, reference, "creation-gaps");

        Assert.Multiple(() =>
        {
            Assert.That(a.Block, Is.EqualTo("creation-gaps"));
            Assert.That(a.WallMs, Is.EqualTo(1234.568));
            Assert.That(a.TicksPerSecond, Is.EqualTo(100));
            Assert.That(a.UserMs, Is.EqualTo(600));
            Assert.That(a.SystemMs, Is.EqualTo(1200));
            Assert.That(a.IdleMs, Is.EqualTo(1000));
            Assert.That(a.IowaitMs, Is.EqualTo(100));
            Assert.That(a.SoftirqMs, Is.EqualTo(100));
            Assert.That(a.StealMs, Is.EqualTo(100));
            Assert.That(a.StealShare, Is.EqualTo(10.0 / (60 + 120 + 10 + 10)).Within(1e-5));
            Assert.That(a.ReferenceComputeMs, Is.EqualTo(new[] { 10.0, 11.0 }));
            Assert.That(a.ReferenceMemoryMs, Is.EqualTo(new[] { 60.0, 62.0 }));
        });
    }

    [Test]
    public void Between_NothingBusy_NoStealShare()
    {
        var t = new CpuTimes(5, 0, 5, 100, 0, 0, 0, 0, 100);

        Assert.That(HostActivity.Between(t, t with { Idle = 200 }, 1000, ReferenceRuns.None).StealShare, Is.Zero);
    }

    [Test]
    public void Describe_WithAndWithoutReference_OneLine()
    {
        var t = new CpuTimes(0, 0, 0, 0, 0, 0, 0, 0, 100);
        var busy = t with { System = 90, Steal = 10 };

        Assert.That(ReferenceWork.Describe(HostActivity.Between(t, busy, 2000, new ReferenceRuns([9.0, 10.0, 12.0], [50.0, 55.0, 70.0]))),
            Is.EqualTo("host: steal 10.00 % of busy time (100 ms), system 900 ms, softirq 0 ms in 2000 ms; reference work compute 10.00 ms, memory 55.00 ms"));
        Assert.That(ReferenceWork.Describe(HostActivity.Between(t, busy, 2000, ReferenceRuns.None)), Does.Not.Contain("reference"));
    }

    /// <summary>The reference work runs and times each part; on this machine a run takes milliseconds, not nothing.</summary>
    [Test]
    public void Measure_Runs_TimesEachPart()
    {
        var runs = new ReferenceWork().Measure(2);

        Assert.That(runs.ComputeMs, Has.Count.EqualTo(2).And.All.GreaterThan(0));
        Assert.That(runs.MemoryMs, Has.Count.EqualTo(2).And.All.GreaterThan(0));
    }

    [Test]
    public void Read_ThisMachine_ReadsProcStat()
    {
        Assume.That(OperatingSystem.IsLinux() && File.Exists("/proc/stat"), "needs /proc/stat");

        var a = CpuTimes.Read()!.Value;
        var d = CpuTimes.Read()!.Value - a;

        Assert.That(a.TicksPerSecond, Is.GreaterThan(0));
        Assert.That(a.User + a.System + a.Idle, Is.GreaterThan(0));
        Assert.That(new[] { d.User, d.Nice, d.System, d.Idle, d.Iowait, d.Irq, d.Softirq, d.Steal }, Has.All.GreaterThanOrEqualTo(0), "the counters only grow");
    }

    /// <summary>validate's table: one row per block (the creation gaps share theirs), the session's ranges, nothing without activity.</summary>
    [Test]
    public void Render_Blocks_OneRowEachWithTheSessionRange()
    {
        var t = new CpuTimes(0, 0, 0, 0, 0, 0, 0, 0, 100);
        var fast = HostActivity.Between(t, t with { System = 10, Idle = 10 }, 200, new ReferenceRuns([10.0], [40.0]));
        var gaps = HostActivity.Between(t, t with { System = 30, Steal = 10 }, 400, new ReferenceRuns([12.0], [80.0]), "creation-gaps");
        Experiment E(string name, HostActivity? a) => new() { Name = name, Kind = "x", HostActivity = a };

        var text = HostActivity.Render([E("serial-300", fast), E("gap-0ms", gaps), E("gap-5ms", gaps), E("memory-100", null)]);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines, Has.Length.EqualTo(5), text);
        Assert.That(lines[2], Does.StartWith("  serial-300").And.Contain("10.00").And.Contain("40.00"));
        Assert.That(lines[3], Does.StartWith("  creation-gaps (2) ").And.Contain("25.00"), "steal 10 of 40 busy ticks");
        Assert.That(lines[4], Is.EqualTo("  steal at most 25.00 % of busy time; reference compute 10.00–12.00 ms (×1.20), memory walk 40.00–80.00 ms (×2.00)"));
        Assert.That(HostActivity.Render([E("memory-100", null)]), Is.Empty);
    }

    /// <summary>host_activity is written under its snake-case name and read back; folders probed before it load with none.</summary>
    [Test]
    public void MeasurementSet_HostActivity_RoundTripsAndIsOptional()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nnp-activity-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var t = new CpuTimes(0, 0, 0, 0, 0, 0, 0, 0, 100);
            var activity = HostActivity.Between(t, t with { System = 50, Steal = 2, Idle = 10 }, 600, new ReferenceRuns([9.5], [41.25]));
            var set = new MeasurementSet
            {
                Experiments =
                [
                    new Experiment { Name = "serial-10", Kind = "serial", HostActivity = activity },
                    new Experiment { Name = "memory-5", Kind = "memory" },
                ],
            };
            set.Save(dir);
            var text = File.ReadAllText(Path.Combine(dir, MeasurementSet.FileName));

            var back = MeasurementSet.Load(dir);

            Assert.That(text, Does.Contain("\"host_activity\"").And.Contain("\"steal_share\"").And.Contain("\"reference_memory_ms\""));
            Assert.That(back.Experiments[0].HostActivity, Is.EqualTo(activity).Using<HostActivity>(Same));
            Assert.That(back.Experiments[1].HostActivity, Is.Null);
            Assert.That(text.Split("host_activity").Length - 1, Is.EqualTo(1), "an experiment without activity writes none");
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>The nineteenth session was probed before host activity existed: it loads, with none.</summary>
    [Test]
    public void ShippedSession_BeforeHostActivity_LoadsWithNone()
    {
        var set = MeasurementSet.Load(Path.Combine(EraRun.RepoRoot(), "calibration/vm-6.18.44-20261204-nineteenth"));

        Assert.That(set.Experiments, Is.Not.Empty);
        Assert.That(set.Experiments.Select(e => e.HostActivity), Has.All.Null);
    }

    private static bool Same(HostActivity a, HostActivity b) =>
        a with { ReferenceComputeMs = [], ReferenceMemoryMs = [] } == b with { ReferenceComputeMs = [], ReferenceMemoryMs = [] }
        && a.ReferenceComputeMs.SequenceEqual(b.ReferenceComputeMs) && a.ReferenceMemoryMs.SequenceEqual(b.ReferenceMemoryMs);
}
