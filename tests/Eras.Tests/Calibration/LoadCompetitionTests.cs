using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// Competing host work that follows each run's measured load average and runs in EEVDF slices ended by the tick
/// (<see cref="VariationSpec.CompetingCpusPerLoad"/>, <see cref="VariationSpec.HostLoad"/>,
/// <see cref="VariationSpec.CompetingSliceUs"/>; docs/calibration.md "Spread, seventh round"), and the replay that
/// passes each run's load.
/// </summary>
[TestFixture]
public sealed class LoadCompetitionTests
{
    private static readonly Workload Serial = WorkloadLoader.Parse("""
        { "format_version": 1, "name": "serial-200", "machine": { "cpus": 2, "hz": 250, "kernel_profile": "host-6.18", "uevent_listeners": { "host": false } },
          "loops": { "count": 1, "cycles": 200 }, "stop": { "mode": "drain", "max_simulated_seconds": 600 }, "seed": 3 }
        """);

    // host-6.18's own variation off: each test sets the variation it needs.
    private static KernelProfile Host => KernelProfileLoader.Load("host-6.18") with { Variation = null };

    private static RunResult Run(VariationSpec? v, int replication = 0) =>
        SimulationEngine.Run(SimulationRequest.Upstream(Serial, Host with { Variation = v }, replication));

    private static double OtherWorkMs(RunResult r) => r.Profile.Children.FirstOrDefault(c => c.Name == "host_other_work")?.TotalMs ?? 0;

    private static VariationSpec AtLoad(double load) => new() { CompetingCpusPerLoad = 0.15, HostLoad = load, CompetingSliceUs = VariationFit.SliceUs(2) };

    [Test]
    public void Run_LoadFollowingWork_GrowsWithTheRunsLoad()
    {
        var quiet = Run(AtLoad(0.5));
        var loaded = Run(AtLoad(5));

        Assert.That(OtherWorkMs(loaded), Is.GreaterThan(OtherWorkMs(quiet) * 3), "ten times the load, several times the competing CPU time");
        Assert.That(loaded.CreationLatencyMs.Mean, Is.GreaterThan(quiet.CreationLatencyMs.Mean), "creations wait for the competitors' slices");
        Assert.That(loaded.CreationLatencyMs.P99, Is.GreaterThan(quiet.CreationLatencyMs.P99));
    }

    [Test]
    public void Run_LoadFollowingWorkAtLoadZero_ByteIdenticalToNoVariation()
    {
        // A per-load coefficient with no load (and no constant part) spawns nothing and draws nothing.
        var json = RunResultJson.Serialize(Run(new VariationSpec { CompetingCpusPerLoad = 0.3, CompetingSliceUs = 1400 }, 2));

        Assert.That(json, Is.EqualTo(RunResultJson.Serialize(Run(null, 2))));
    }

    [Test]
    public void EffectiveCompetingCpus_IsTheConstantPlusTheLoadPart_CappedBelowTheCpus()
    {
        Assert.That(new VariationSpec { CompetingCpus = 0.2 }.EffectiveCompetingCpus(2), Is.EqualTo(0.2), "without a per-load part: the constant, as before");
        Assert.That(new VariationSpec { CompetingCpus = 0.2, CompetingCpusPerLoad = 0.1, HostLoad = 3 }.EffectiveCompetingCpus(2), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(new VariationSpec { CompetingCpusPerLoad = 1, HostLoad = 30 }.EffectiveCompetingCpus(2), Is.EqualTo(1.9).Within(1e-12));
    }

    [Test]
    public void SliceUs_IsEevdfsBaseSliceScaledByOnePlusLog2Cpus()
    {
        // kernel/sched/fair.c: 0.70 ms × (1 + ilog2(min(cpus, 8))) (commit 2ae891b82695).
        Assert.That(VariationFit.SliceUs(1), Is.EqualTo(700));
        Assert.That(VariationFit.SliceUs(2), Is.EqualTo(1400));
        Assert.That(VariationFit.SliceUs(3), Is.EqualTo(1400));
        Assert.That(VariationFit.SliceUs(4), Is.EqualTo(2100));
        Assert.That(VariationFit.SliceUs(64), Is.EqualTo(2800));
    }

    [Test]
    public void AtMeasuredLoad_GivesEachReplicationItsRunsLoad_CyclingThroughTheRuns()
    {
        var e = new Experiment { Name = "burst-8", Kind = "burst", Workload = "w.json", Samples = new Dictionary<string, IReadOnlyList<double>> { ["load_average_per_run"] = [1.5, 2.5, 7] } };
        var p = Host with { Variation = new VariationSpec { CompetingCpusPerLoad = 0.1 } };

        Assert.That(Enumerable.Range(0, 5).Select(i => Replay.AtMeasuredLoad(p, e, i).Variation!.HostLoad), Is.EqualTo(new[] { 1.5, 2.5, 7, 1.5, 2.5 }));
        Assert.That(Replay.AtMeasuredLoad(Host with { Variation = new VariationSpec { CompetingCpus = 0.5 } }, e, 1).Variation!.HostLoad, Is.Zero, "a profile whose work does not follow the load runs as it is");
        Assert.That(Replay.AtMeasuredLoad(p, e with { Samples = new Dictionary<string, IReadOnlyList<double>>() }, 0), Is.SameAs(p), "no measured load: the profile's own");
    }

    [Test]
    public void SessionLoad_IsTheMedianOverEveryRun()
    {
        var set = MeasurementSet.Load(Path.Combine(EraRun.RepoRoot(), "calibration", "vm-6.18.44-20261202"));

        // 6 creation experiments at 4.1–4.7 and 35 burst runs at 4.65–11.84 (measurements.json).
        Assert.That(Replay.SessionLoad(set), Is.InRange(4.5, 7.0));
    }

    [TestCase("variation.competing_slice_us")]
    [TestCase("variation.competing_cpus_per_load")]
    [TestCase("variation.host_load")]
    public void Parse_BadLoadCompetition_NamesTheField(string field)
    {
        var v = field switch
        {
            "variation.competing_slice_us" => new VariationSpec { CompetingSliceUs = -1 },
            "variation.competing_cpus_per_load" => new VariationSpec { CompetingCpusPerLoad = 100 },
            _ => new VariationSpec { HostLoad = -2 },
        };
        var e = Assert.Throws<InputValidationException>(() => KernelProfileLoader.Parse(ProfileWriter.Serialize(Host with { Variation = v })))!;
        Assert.That(e.Errors.Select(x => x.Field), Has.Member(field));
    }
}
