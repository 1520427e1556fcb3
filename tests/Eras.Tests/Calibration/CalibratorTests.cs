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

    /// <summary>The same host on another build: creations ×1.3 dearer, device unregistration ×0.8 (the drift between two builds on 2026-12-04).</summary>
    private static readonly double[] OtherBuildScales = [1.6 * 1.3, 0.6, 2.5 * 0.8, 1.0];
    private string _dir = "";
    private string _otherBuild = "";

    [OneTimeSetUp]
    public void WriteSyntheticMeasurements()
    {
        _dir = Path.Combine(Path.GetTempPath(), "nnp-cal-" + Environment.ProcessId);
        _otherBuild = _dir + "-other-build";
        WriteSession(_dir, TrueScales, 90_000, "6.18.0");
        WriteSession(_otherBuild, OtherBuildScales, 94_000, "6.18.0-b2");
    }

    private void WriteSession(string dir, double[] scales, double memory, string release)
    {
        Directory.CreateDirectory(Path.Combine(dir, "workloads"));
        var truth = CostScales.WithMeasuredMemory(CostScales.Apply(KernelProfileLoader.Load("v6.18"), scales), memory, 2);
        var experiments = new List<Experiment>
        {
            Simulate(dir, truth, "serial-60", "serial", fit: true, """ "loops": { "count": 1, "cycles": 60 } """, Quantities.CreationMsP50, Quantities.CreationMsMean),
            Simulate(dir, truth, "memory-20", "memory", fit: true, """ "burst": { "count": 20, "destroy_after_ms": 10 } """, Quantities.BytesPerNetns),
            Simulate(dir, truth, "burst-16-veth", "burst", fit: true, Burst(16), Quantities.PeersGoneSeconds, Quantities.CreationMsP50),
            Simulate(dir, truth, "burst-32-veth", "burst", fit: true, Burst(32), Quantities.PeersGoneSeconds, Quantities.CreationMsP50),
            Simulate(dir, truth, "burst-64-veth", "burst", fit: false, Burst(64), Quantities.PeersGoneSeconds, Quantities.CreationMsP50),
        };
        var host = new HostInfo { Hostname = "synthetic", KernelRelease = release, OnlineCpus = 2, PossibleCpus = 2, Hz = 250, TakenAt = DateTimeOffset.UnixEpoch };
        new MeasurementSet { Host = host, Experiments = experiments }.Save(dir);
    }

    [OneTimeTearDown]
    public void RemoveMeasurements()
    {
        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_otherBuild, recursive: true);
    }

    /// <summary>
    /// Two sessions of one host on two builds fitted at once: every session's quantities are in the objective and the
    /// result (named session/experiment), the creation scale that drifted lands between the two builds' truths (each
    /// build's creations then off in opposite directions), memory is the sessions' median and both sessions are cited.
    /// The teardown scales are not checked: these small bursts cannot tell exit from device costs apart (the flat
    /// valley of docs/calibration.md).
    /// </summary>
    [Test]
    public void Fit_TwoSessionsOfTwoBuilds_FitsOneProfileBetweenThem()
    {
        var first = new Replay(_dir, MeasurementSet.Load(_dir));
        var second = new Replay(_otherBuild, MeasurementSet.Load(_otherBuild));
        var a = Path.GetFileName(_dir);
        var b = Path.GetFileName(_otherBuild);

        var result = Calibrator.Fit([first, second], KernelProfileLoader.Load("v6.18"), new CalibrationOptions("host-pooled", _dir + ", " + _otherBuild, MaxEvaluations: 60, MaxVariationEvaluations: 0));

        Assert.That(result.Comparisons.Select(c => c.Experiment.Split('/')[0]).Distinct(), Is.EqualTo(new[] { a, b }), "both sessions, in order");
        Assert.That(result.Comparisons.Count(c => c.Fitted), Is.EqualTo(2 * 7), "each session's 7 fitted quantities");
        Assert.That(result.Comparisons.Where(c => c.Experiment == b + "/serial-60").Select(c => c.Quantity), Is.EquivalentTo(new[] { Quantities.CreationMsP50, Quantities.CreationMsMean }));
        Assert.That(result.Scales["init"], Is.InRange(1.6 * 0.97, 1.6 * 1.3 * 1.03), "between the two builds' creation costs");
        var creations = result.Comparisons.Where(c => c.Fitted && c.Experiment.EndsWith("/serial-60", StringComparison.Ordinal) && c.Quantity == Quantities.CreationMsP50).ToList();
        Assert.That(creations[0].RelativeError, Is.Positive, "the cheaper build's creations over-predicted");
        Assert.That(creations[1].RelativeError, Is.Negative, "the dearer build's under-predicted");
        Assert.That(result.Profile.Memory.NetBaseBytes, Is.EqualTo(92_000), "the median of 90 000 and 94 000 bytes");
        Assert.That(result.Profile.Sources.Count(s => s.StartsWith("netns-policy probe", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(result.Profile.Description, Does.StartWith("Fitted to 2 sessions of synthetic").And.Contain("6.18.0, 6.18.0-b2"));
        Assert.That(result.Profile.Provenance, Does.Contain("the median of 2 sessions"));
    }

    [Test]
    public void SessionLabels_SessionsOfDifferentHosts_AreBadInputNamingTheSessionAndField()
    {
        var set = MeasurementSet.Load(_dir);
        var first = new Replay(_dir, set);
        var fourCpus = new Replay(_otherBuild, MeasurementSet.Load(_otherBuild) is var s ? s with { Host = s.Host with { OnlineCpus = 4, Hz = 1000 } } : null!);

        var e = Assert.Throws<InputValidationException>(() => Calibrator.SessionLabels([first, fourCpus]))!;
        Assert.That(e.Errors.Select(x => x.Field), Is.EqualTo(new[] { Path.GetFileName(_otherBuild) + "/host.online_cpus", Path.GetFileName(_otherBuild) + "/host.hz" }));
        Assert.That(e.Errors[0].Message, Does.Contain("is 4").And.Contain("is 2"));

        var twice = Assert.Throws<InputValidationException>(() => Calibrator.SessionLabels([first, new Replay(_dir, set)]))!;
        Assert.That(twice.Errors.Single().Field, Is.EqualTo("measurements"));
        Assert.That(twice.Errors.Single().Message, Does.Contain("given 2 times"));

        var otherEra = new Replay(_otherBuild, set with { Host = set.Host with { KernelRelease = "6.19.1" } });
        Assert.That(Assert.Throws<InputValidationException>(() => Calibrator.SessionLabels([first, otherEra]))!.Errors.Single().Field, Does.EndWith("host.kernel_release (era)"));
        Assert.That(Calibrator.SessionLabels([first, new Replay(_otherBuild, MeasurementSet.Load(_otherBuild))]), Has.Count.EqualTo(2), "another build of the same era is one host");
    }

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

    private static Experiment Simulate(string dir, KernelProfile truth, string name, string kind, bool fit, string body, params string[] quantities)
    {
        var json = $$"""
            { "format_version": 1, "name": "{{name}}", "machine": { "cpus": 2, "hz": 250, "kernel_profile": "v6.18", "uevent_listeners": { "host": false } },
              {{body}}, "stop": { "mode": "drain", "max_simulated_seconds": 600 }, "seed": 1 }
            """;
        File.WriteAllText(Path.Combine(dir, "workloads", name + ".json"), json);
        var e = new Experiment { Name = name, Kind = kind, Workload = $"workloads/{name}.json", Fit = fit };
        var r = SimulationEngine.Run(SimulationRequest.Upstream(WorkloadLoader.Parse(json), truth));
        Assert.That(r.Status, Is.EqualTo("ok"), r.StatusDetail);
        return e with { Quantities = quantities.Select(q => new MeasuredQuantity(q, Quantities.Predict(q, r, e)!.Value, "")).ToList() };
    }
}
