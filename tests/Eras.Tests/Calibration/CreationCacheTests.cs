using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// A creation after a pause runs cold (profile <c>creation_cache</c>, src/Simulation/Kernel/NetSetup.cs): the
/// creating thread's CPU steps in copy_net_ns cost the factor of the pause since the previous creation ended; a
/// profile without it, or with a cold factor of 1, gives exactly the results it gave before; and the probe's
/// creation-gap experiments measure the curve (<see cref="CreationCacheFit"/>).
/// </summary>
[TestFixture]
public sealed class CreationCacheTests
{
    private static readonly CreationCacheSpec Cache = new() { ColdFactor = 2.0, WarmDecayMs = 3 };

    // host-6.18's own variation off: every creation of a serial loop then costs the same unless the cache moves it.
    private static KernelProfile Host => KernelProfileLoader.Load("host-6.18") with { Variation = null };

    private static Workload Loop(double pauseMs, int loops = 1) => WorkloadLoader.Parse($$"""
        { "format_version": 1, "name": "gap", "machine": { "cpus": 2, "hz": 250, "kernel_profile": "host-6.18", "uevent_listeners": { "host": false } },
          "loops": { "count": {{loops}}, "cycles": 40, "gap_quantiles_ms": [{{pauseMs}}, {{pauseMs}}] },
          "stop": { "mode": "drain", "max_simulated_seconds": 600 }, "seed": 3 }
        """);

    private static readonly Workload Burst = WorkloadLoader.Parse("""
        { "format_version": 1, "name": "burst-100-veth", "machine": { "cpus": 2, "hz": 250, "kernel_profile": "host-6.18", "uevent_listeners": { "host": false } },
          "burst": { "count": 100, "devices": { "veth_pairs": 1 }, "destroy_after_ms": 10 }, "probe": { "interval_ms": 5, "stop_ms": 400 },
          "stop": { "mode": "drain", "max_simulated_seconds": 600 }, "seed": 7 }
        """);

    private static RunResult Run(Workload w, KernelProfile p, int replication = 0) => SimulationEngine.Run(SimulationRequest.Upstream(w, p, replication));

    private static string Json(Workload w, KernelProfile p, int replication = 0) => RunResultJson.Serialize(Run(w, p, replication));

    [Test]
    public void Run_ColdFactorOne_ByteIdenticalToNoCache()
    {
        var neutral = Host with { CreationCache = new CreationCacheSpec { ColdFactor = 1, WarmDecayMs = 5 } };

        Assert.That(Json(Loop(20), neutral), Is.EqualTo(Json(Loop(20), Host)));
        Assert.That(Json(Burst, neutral), Is.EqualTo(Json(Burst, Host)));
    }

    [Test]
    public void Run_PausedCreations_CostTheColdFactorAndBackToBackOnesDoNot()
    {
        var cached = Host with { CreationCache = Cache };
        var warm = Run(Loop(0), cached).CreationLatencyMs.P50 / Run(Loop(0), Host).CreationLatencyMs.P50;
        var cold = Run(Loop(30), cached).CreationLatencyMs.P50 / Run(Loop(30), Host).CreationLatencyMs.P50;
        var half = Run(Loop(3), cached).CreationLatencyMs.P50 / Run(Loop(3), Host).CreationLatencyMs.P50;

        // 30 ms is ten decay constants: the whole factor. Back to back, only the release lies between two creations.
        Assert.That(cold, Is.InRange(1.95, 2.01), "a creation 30 ms after the last one costs ×2");
        Assert.That(warm, Is.InRange(1.0, 1.06), "a creation straight after the last one is warm");
        // 3 ms is one decay constant: 1 + (1 − e^−1) = 1.63, less what the ~0.1 ms release adds to the pause.
        Assert.That(half, Is.InRange(1.58, 1.66), "one decay constant: 1.63");
    }

    [Test]
    public void Run_FirstCreationOfARun_IsCold()
    {
        var cached = Host with { CreationCache = Cache };
        var one = WorkloadLoader.Parse("""
            { "format_version": 1, "name": "one", "machine": { "cpus": 2, "hz": 250, "kernel_profile": "host-6.18", "uevent_listeners": { "host": false } },
              "loops": { "count": 1, "cycles": 1 }, "stop": { "mode": "drain", "max_simulated_seconds": 60 }, "seed": 1 }
            """);

        Assert.That(Run(one, cached).CreationLatencyMs.P50 / Run(one, Host).CreationLatencyMs.P50, Is.InRange(1.95, 2.01));
    }

    [Test]
    public void Run_SameSeedWithCache_ByteIdenticalAlsoInParallel()
    {
        var p = Host with { CreationCache = Cache, Variation = new VariationSpec { OpCostCv = 0.3, RunCostCv = 0.05 } };
        var serial = Enumerable.Range(0, 3).Select(i => Json(Burst, p, i)).ToArray();
        var parallel = new string[6];
        Parallel.For(0, 6, i => parallel[i] = Json(Burst, p, i % 3));

        for (var i = 0; i < 6; i++)
        {
            Assert.That(parallel[i], Is.EqualTo(serial[i % 3]), $"replication {i % 3}, parallel run {i}");
        }

        Assert.That(serial.Distinct().Count(), Is.EqualTo(3), "replications still differ");
    }

    [Test]
    public void Load_ColdFactorBelowOneOrDecayZero_NamesTheField()
    {
        static IEnumerable<string> Fields(CreationCacheSpec cache) =>
            Assert.Throws<InputValidationException>(() => KernelProfileLoader.Parse(ProfileWriter.Serialize(Host with { CreationCache = cache })))!.Errors.Select(e => e.Field);

        Assert.That(Fields(new CreationCacheSpec { ColdFactor = 0.5, WarmDecayMs = 0 }), Does.Contain("creation_cache.cold_factor").And.Contain("creation_cache.warm_decay_ms"));
        Assert.That(Fields(new CreationCacheSpec { ColdFactor = 1.5, WarmDecayMs = 5, WarmingPerCreation = 0 }), Does.Contain("creation_cache.warming_per_creation"));
    }

    [Test]
    public void Profile_WithCache_RoundTripsThroughJson()
    {
        var p = Host with { CreationCache = new CreationCacheSpec { ColdFactor = 1.475, WarmDecayMs = 3.755, WarmingPerCreation = 0.45 } };
        var back = KernelProfileLoader.Parse(ProfileWriter.Serialize(p));

        Assert.That(back.CreationCache, Is.EqualTo(p.CreationCache));
        Assert.That(KernelProfileLoader.Parse(ProfileWriter.Serialize(Host)).CreationCache, Is.Null);
    }

    private static Experiment Gap(string name, IReadOnlyList<double> pauses, IReadOnlyList<double> ms, IReadOnlyList<double> starts) => new()
    {
        Name = name,
        Kind = CreationCacheFit.Kind,
        Workload = $"workloads/{name}.json",
        Fit = true,
        Samples = new Dictionary<string, IReadOnlyList<double>> { ["outside_ms"] = pauses, ["creation_ms"] = ms, ["creation_start_ms"] = starts },
    };

    private static Experiment Gap(string name, double pauseMs, double ms, int n = 20) =>
        Gap(name, [.. Enumerable.Repeat(pauseMs, n)], [.. Enumerable.Repeat(ms, n)], [.. Enumerable.Range(0, n).Select(i => (double)i)]);

    private static MeasurementSet Set(params Experiment[] experiments) =>
        new() { Host = new HostInfo { Hostname = "synthetic", KernelRelease = "6.18.0", OnlineCpus = 2, PossibleCpus = 2, Hz = 250 }, Experiments = experiments };

    /// <summary>
    /// A host whose creations follow a known recursion exactly: the probe's interleaved pauses (seed 1, one untimed
    /// creation first) and a serial run back to back, each creation's time the warm 0.6 ms times its factor.
    /// </summary>
    private static MeasurementSet KnownHost(CreationCacheSpec truth, double warmMs = 0.6)
    {
        double[] pauses = [0.08, 1.1, 5.2, 20.2, 50.2];
        var order = Enumerable.Range(0, pauses.Length).SelectMany(i => Enumerable.Repeat(i, 40)).ToArray();
        new Random(1).Shuffle(order);
        var per = pauses.Select(_ => (P: new List<double>(), Ms: new List<double>(), T: new List<double>())).ToArray();
        var h = truth.Warmed(0);
        var t = 0.0;
        foreach (var i in order)
        {
            h = truth.Decayed(h, (long)Math.Round(pauses[i] * 1e6));
            var ms = warmMs * truth.Factor(h);
            t += pauses[i];
            per[i].P.Add(pauses[i]);
            per[i].Ms.Add(ms);
            per[i].T.Add(t);
            t += ms;
            h = truth.Warmed(h);
        }

        var serial = new List<double>();
        h = 0;
        for (var i = 0; i < 100; i++)
        {
            serial.Add(warmMs * truth.Factor(h));
            h = truth.Warmed(h);
        }

        return Set([
            new Experiment { Name = "serial-100", Kind = "serial", Samples = new Dictionary<string, IReadOnlyList<double>> { ["creation_ms"] = serial } },
            .. pauses.Select((p, i) => Gap($"gap-{p}", per[i].P, per[i].Ms, per[i].T)),
        ]);
    }

    [Test]
    public void Measure_CreationsOnAKnownRecursion_RecoversItsParameters()
    {
        var truth = new CreationCacheSpec { ColdFactor = 1.6, WarmDecayMs = 5.0, WarmingPerCreation = 0.5 };

        var r = CreationCacheFit.Measure(KnownHost(truth))!;

        Assert.That(r.Spec.ColdFactor, Is.EqualTo(1.6).Within(0.02));
        Assert.That(r.Spec.WarmDecayMs, Is.EqualTo(5.0).Within(0.5));
        Assert.That(r.Spec.WarmingPerCreation, Is.EqualTo(0.5).Within(0.03));
        Assert.That(r.WarmMs, Is.EqualTo(0.6).Within(0.01));
        Assert.That(r.RmsLogError, Is.LessThan(0.01));
        Assert.That(r.Creations, Is.EqualTo(300));
        Assert.That(CreationCacheFit.Describe(r), Does.Contain("creation_cache cold_factor").And.Contain("50.20 ms: "));
        Assert.That(CreationCacheFit.Render(r, null), Does.Contain("measured cold_factor 1.6").And.Contain("the profile's: none"));
        Assert.That(CreationCacheFit.Render(r, truth), Does.Contain("the profile's: cold_factor 1.600, warm_decay_ms 5.000, warming_per_creation 0.500"));
    }

    /// <summary>
    /// Two sessions of one cooling on two builds whose warm creation differs by a third (as the seventeenth and
    /// eighteenth sessions' serial creations did): pooled, each session keeps its own warm cost, so the cooling is
    /// recovered as from either alone; the medians are named by session.
    /// </summary>
    [Test]
    public void Measure_TwoSessionsWithDifferentWarmCosts_RecoversTheSharedCooling()
    {
        var truth = new CreationCacheSpec { ColdFactor = 1.6, WarmDecayMs = 5.0, WarmingPerCreation = 0.5 };

        var r = CreationCacheFit.Measure([(KnownHost(truth, 0.6), "a"), (Set(new Experiment { Name = "serial-300", Kind = "serial" }), "no-gaps"), (KnownHost(truth, 0.8), "b")])!;

        Assert.That(r.Spec.ColdFactor, Is.EqualTo(1.6).Within(0.02));
        Assert.That(r.Spec.WarmDecayMs, Is.EqualTo(5.0).Within(0.5));
        Assert.That(r.Spec.WarmingPerCreation, Is.EqualTo(0.5).Within(0.03));
        Assert.That(r.WarmMs, Is.EqualTo(0.6).Within(0.01), "the first session's warm cost");
        Assert.That(r.RmsLogError, Is.LessThan(0.01), "no drift charged to the cooling");
        Assert.That(r.Creations, Is.EqualTo(600));
        Assert.That(r.Medians.Select(m => m.Experiment.Split('/')[0]).Distinct(), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void Run_PartialWarming_BackToBackCreationsWarmUpOverSeveral()
    {
        // Each creation restores half the missing warmth: the first costs ×2, the second ×1.5, the third ×1.25 …
        var cached = Host with { CreationCache = new CreationCacheSpec { ColdFactor = 2.0, WarmDecayMs = 1000, WarmingPerCreation = 0.5 } };
        var r = Run(Loop(0), cached);
        var plain = Run(Loop(0), Host);

        Assert.That(r.CreationLatencyMs.Max / plain.CreationLatencyMs.Max, Is.InRange(1.9, 2.01), "the first creation is cold");
        Assert.That(r.CreationLatencyMs.P50 / plain.CreationLatencyMs.P50, Is.InRange(1.0, 1.01), "a run of creations ends up warm");
    }

    [Test]
    public void Measure_NoGapExperiments_IsNull() =>
        Assert.That(CreationCacheFit.Measure(Set(new Experiment { Name = "serial-300", Kind = "serial" })), Is.Null);

    [Test]
    public void Measure_TwoPausesOnly_RefusesNamingTheExperiments()
    {
        var e = Assert.Throws<InputValidationException>(() => CreationCacheFit.Measure(Set(Gap("gap-0ms", 0.1, 0.6), Gap("gap-20ms", 20.1, 0.9))))!;

        Assert.That(e.Errors.Single().Field, Is.EqualTo("experiments"));
        Assert.That(e.Errors.Single().Message, Does.Contain("gap-0ms").And.Contain("three or more"));
    }

    [Test]
    public void Measure_SamplesMissing_RefusesNamingTheExperiment()
    {
        var broken = Gap("gap-5ms", 5, 0.8) with { Samples = new Dictionary<string, IReadOnlyList<double>> { ["creation_ms"] = [0.8] } };
        var e = Assert.Throws<InputValidationException>(() => CreationCacheFit.Measure(Set(Gap("gap-0ms", 0.1, 0.6), broken, Gap("gap-20ms", 20.1, 0.9))))!;

        Assert.That(e.Errors.Single().Field, Is.EqualTo("experiments[gap-5ms].samples"));
    }
}

/// <summary>
/// The seventeenth session (calibration/vm-6.18.44-20261203-seventeenth, v1147, the first with creation-gap
/// experiments) and its two fits by the shipped method, with and without creation_cache (docs/calibration.md, "A
/// creation after a pause runs cold"): the cache is reproducible from the stored samples, and the errors stated there
/// hold.
/// </summary>
[TestFixture]
public sealed class SeventeenthSessionTests
{
    private static readonly string Dir = Path.Combine(EraRun.RepoRoot(), "calibration/vm-6.18.44-20261203-seventeenth");

    private static KernelProfile Fit(string file) => KernelProfileLoader.Parse(File.ReadAllText(Path.Combine(Dir, file)));

    [Test]
    public void Measure_StoredSamples_ReproduceTheFitsCreationCache()
    {
        var r = CreationCacheFit.Measure(MeasurementSet.Load(Dir))!;

        Assert.That(r.Spec, Is.EqualTo(Fit("profile.json").CreationCache));
        Assert.That(r.Spec.ColdFactor, Is.InRange(1.5, 2.0), "a creation 20 ms after the last is ×1.5–2 a warm one");
        Assert.That(r.Spec.WarmingPerCreation, Is.LessThan(1), "a creation straight after a cold one is not yet warm");
        Assert.That(Fit("profile-no-creation-cache.json").CreationCache, Is.Null);
    }

    [Test]
    public void Validate_BothFitsOnTheirSession_TheCacheHalvesTheFittedError()
    {
        var replay = new Replay(Dir, MeasurementSet.Load(Dir));
        var with = replay.Compare(Fit("profile.json"), fittedOnly: false);
        var without = replay.Compare(Fit("profile-no-creation-cache.json"), fittedOnly: false);
        static double Error(IReadOnlyList<Comparison> rows, string experiment, string quantity) => rows.Single(r => r.Experiment == experiment && r.Quantity == quantity).RelativeError!.Value;

        Assert.That(SessionFit.FittedRms(with), Is.LessThan(0.11), "with the cache");
        Assert.That(SessionFit.FittedRms(without), Is.GreaterThan(0.19), "without it");
        Assert.That(Calibrator.Rms(ComparisonTable.HeldOutCentral(with)), Is.LessThan(0.16));
        Assert.That(Error(with, "serial-300", Quantities.CreationMsP50), Is.InRange(0, 0.2), "serial: +14 % (+61 % without)");
        Assert.That(Error(without, "serial-300", Quantities.CreationMsP50), Is.GreaterThan(0.5));
        Assert.That(Error(with, "churn-50", Quantities.CreationMsP50), Is.InRange(-0.05, 0.05), "the held-out churn within 5 % (−13 % without)");
        Assert.That(Error(without, "churn-50", Quantities.CreationMsP50), Is.LessThan(-0.1));
        Assert.That(SessionFit.TopTenWithin5(replay, Fit("profile.json")), Is.GreaterThanOrEqualTo(27), "perf top 10 within 5 points");
    }
}
