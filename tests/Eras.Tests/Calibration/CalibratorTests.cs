using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// The fit against synthetic measurements: a "host" that is v6.18 with known cost scales is simulated, written as a
/// measurement set (two fitted burst sizes and a held-out larger one, as <c>probe</c> writes them), and fitted from plain
/// v6.18. The fitted profile must reproduce the quantities it was fitted on and predict the held-out burst.
/// </summary>
[TestFixture]
public sealed class CalibratorTests
{
    private static readonly double[] TrueScales = [1.6, 0.6, 2.5, 1.0];
    private string _dir = "";

    [OneTimeSetUp]
    public void WriteSyntheticMeasurements()
    {
        _dir = Path.Combine(Path.GetTempPath(), "nnp-cal-" + Environment.ProcessId);
        Directory.CreateDirectory(Path.Combine(_dir, "workloads"));
        var truth = CostScales.WithMeasuredMemory(CostScales.Apply(KernelProfileLoader.Load("v6.18"), TrueScales), 90_000, 2);
        var experiments = new List<Experiment>
        {
            Simulate(truth, "serial-60", "serial", fit: true, """ "loops": { "count": 1, "cycles": 60 } """, Quantities.CreationMsP50, Quantities.CreationMsMean),
            Simulate(truth, "memory-20", "memory", fit: true, """ "burst": { "count": 20, "destroy_after_ms": 10 } """, Quantities.BytesPerNetns),
            Simulate(truth, "burst-16-veth", "burst", fit: true, Burst(16), Quantities.PeersGoneSeconds, Quantities.CreationMsP50),
            Simulate(truth, "burst-32-veth", "burst", fit: true, Burst(32), Quantities.PeersGoneSeconds, Quantities.CreationMsP50),
            Simulate(truth, "burst-64-veth", "burst", fit: false, Burst(64), Quantities.PeersGoneSeconds, Quantities.CreationMsP50),
        };
        var host = new HostInfo { Hostname = "synthetic", KernelRelease = "6.18.0", OnlineCpus = 2, PossibleCpus = 2, Hz = 250, TakenAt = DateTimeOffset.UnixEpoch };
        new MeasurementSet { Host = host, Experiments = experiments }.Save(_dir);
    }

    [OneTimeTearDown]
    public void RemoveMeasurements() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Fit_SyntheticHost_ReproducesFittedAndHeldOutQuantities()
    {
        var replay = new Replay(_dir, MeasurementSet.Load(_dir));
        var before = replay.Compare(KernelProfileLoader.Load("v6.18"), fittedOnly: false);
        var result = Calibrator.Fit(replay, KernelProfileLoader.Load("v6.18"), new CalibrationOptions("host-test", _dir));
        var fitted = result.Comparisons.Where(c => c.Fitted).ToList();
        var heldOut = result.Comparisons.Where(c => !c.Fitted).ToList();

        Assert.That(Calibrator.Rms(before.Where(c => !c.Fitted).ToList()), Is.GreaterThan(0.2), "the unfitted era is visibly off");
        Assert.That(Calibrator.Rms(fitted), Is.LessThan(0.05), "fitted quantities within ~5%");
        Assert.That(heldOut.Select(c => c.RelativeError), Has.All.Not.Null.And.InRange(-0.15, 0.15), "held-out burst within 15%");
        Assert.That(result.Profile.Memory.NetBaseBytes, Is.EqualTo(90_000), "memory solved exactly");
        Assert.That(result.Profile.Id, Is.EqualTo("host-test"));
        Assert.That(result.Profile.Provenance, Does.Contain("Nelder–Mead"));
    }

    [Test]
    public void Serialize_FittedProfile_LoadsBackEqual()
    {
        var replay = new Replay(_dir, MeasurementSet.Load(_dir));
        var result = Calibrator.Fit(replay, KernelProfileLoader.Load("v6.18"), new CalibrationOptions("host-test", _dir, MaxEvaluations: 8));
        var back = KernelProfileLoader.Parse(ProfileWriter.Serialize(result.Profile));

        Assert.That(back.Costs, Is.EqualTo(result.Profile.Costs));
        Assert.That(back.PernetOps, Is.EqualTo(result.Profile.PernetOps));
        Assert.That(back.Sources, Is.EqualTo(result.Profile.Sources));
    }

    [Test]
    public void Fit_NormalGpFromIdle_SetsTheNormalGpBaseFromTheIdleHostNotTheRcuScale()
    {
        // 201 idle synchronize_rcu of which the median is 6.2 ms, on 2 CPUs at HZ 250, normal_gp_per_cpu_ns as v6.18's.
        var set = MeasurementSet.Load(_dir);
        var syncs = Enumerable.Range(0, 201).Select(i => 6.2 + ((i - 100) * 0.001)).ToList();
        var replay = new Replay(_dir, set with { Host = set.Host with { SyncRcuIdleMs = syncs } });
        var v618 = KernelProfileLoader.Load("v6.18");
        var result = Calibrator.Fit(replay, v618, new CalibrationOptions("host-test", _dir, MaxEvaluations: 8) { NormalGpFromIdle = true });
        var expected = Math.Round((6_200_000 - (v618.Rcu.NormalGpPerCpuNs * 2.0)) / 4_000_000, 4);

        Assert.That(result.Scales["rcu"], Is.Not.EqualTo(1.0), "the rcu scale still moves");
        Assert.That(result.Profile.Rcu.NormalGpBaseJiffies, Is.EqualTo(expected), "measured, whatever the rcu scale");
        Assert.That(result.Profile.Rcu.NormalGpBusyExtraJiffies, Is.EqualTo(v618.Rcu.NormalGpBusyExtraJiffies * result.Scales["rcu"]).Within(1e-9), "the busy extra is fitted");
        Assert.That(result.Profile.Provenance, Does.Contain("6.200 ms").And.Contain("membarrier"));
    }

    [Test]
    public void Fit_NormalGpFromIdleWithoutIdleTimes_IsBadInputNamingTheOption()
    {
        var replay = new Replay(_dir, MeasurementSet.Load(_dir));
        var e = Assert.Throws<InputValidationException>(() => Calibrator.Fit(replay, KernelProfileLoader.Load("v6.18"), new CalibrationOptions("host-test", _dir) { NormalGpFromIdle = true }))!;
        Assert.That(e.Errors.Single().Field, Is.EqualTo("--normal-gp-from-idle"));
        Assert.That(e.Errors.Single().Message, Does.Contain("sync_rcu_idle_ms"));
    }

    private static string Burst(int n) =>
        $$""" "burst": { "count": {{n}}, "devices": { "veth_pairs": 1 }, "destroy_after_ms": 10 }, "probe": { "interval_ms": 5, "stop_ms": 600 } """;

    private Experiment Simulate(KernelProfile truth, string name, string kind, bool fit, string body, params string[] quantities)
    {
        var json = $$"""
            { "format_version": 1, "name": "{{name}}", "machine": { "cpus": 2, "hz": 250, "kernel_profile": "v6.18", "uevent_listeners": { "host": false } },
              {{body}}, "stop": { "mode": "drain", "max_simulated_seconds": 600 }, "seed": 1 }
            """;
        File.WriteAllText(Path.Combine(_dir, "workloads", name + ".json"), json);
        var e = new Experiment { Name = name, Kind = kind, Workload = $"workloads/{name}.json", Fit = fit };
        var r = SimulationEngine.Run(SimulationRequest.Upstream(WorkloadLoader.Parse(json), truth));
        Assert.That(r.Status, Is.EqualTo("ok"), r.StatusDetail);
        return e with { Quantities = quantities.Select(q => new MeasuredQuantity(q, Quantities.Predict(q, r, e)!.Value, "")).ToList() };
    }
}
