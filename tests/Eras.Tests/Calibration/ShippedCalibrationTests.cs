using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// The shipped host profile (profiles/host-6.18.json) is the one fitted to and validated on the tenth round's probe
/// (calibration/vm-6.18.44-20261202-tenth, kernel build 6.18.44-fc-v1098, the whole teardown in the perf window and three
/// pooled perf-sampled runs per size), its device round measured part by part on that session's perf profiles
/// and fitted with the cleanup worker's traced tick deferral (docs/calibration.md "The shipped fit, thirteenth round"
/// and "twelfth round"). It holds out on the two later sessions of the
/// same build (eleventh, twelfth: every top-10 perf share within 5 points), on the one session of build v1045 taken the
/// same way (the ninth round's), and on the six sessions of build v1045 taken the eighth round's way it predicts the
/// claimed central quantities of the quiet ones and the held-out ones of the loaded ones.
/// The profile shipped before (fitted on 2026-12-01, build v657) still predicts the two probe runs of 2026-11-26.
/// </summary>
[TestFixture]
public sealed class ShippedCalibrationTests
{
    private const string Fitted = "calibration/vm-6.18.44-20261202-tenth";
    private const string Ninth = "calibration/vm-6.18.44-20261202-ninth";
    private const string Eleventh = "calibration/vm-6.18.44-20261202-eleventh";
    private const string Twelfth = "calibration/vm-6.18.44-20261202-twelfth";
    private const string Thirteenth = "calibration/vm-6.18.44-20261203-thirteenth";
    private const string Fourteenth = "calibration/vm-6.18.44-20261203-fourteenth";
    private const string Fifteenth = "calibration/vm-6.18.44-20261203-fifteenth";
    private const string QuietObserverFree = "calibration/vm-6.18.44-20261202-quiet-rtnetlink";
    private const string LoadedObserverFree = "calibration/vm-6.18.44-20261202-rtnetlink";
    private const string QuietObserverFreeRepeat = "calibration/vm-6.18.44-20261202-quiet-rtnetlink-repeat";
    private const string Repeat = "calibration/vm-6.18.44-20261202-repeat";
    private const string Quiet = "calibration/vm-6.18.44-20261202-quiet";
    private const string ObserverSession = "calibration/vm-6.18.44-20261202";
    private const string Previous = "calibration/vm-6.18.44-20261201";
    private const string Earlier = "calibration/vm-6.18.44-20261126";
    private const string EarlierRepeat = "calibration/vm-6.18.44-20261126-repeat";

    /// <summary>
    /// The stated error of the 2026-12-01 fit (docs/calibration.md): central quantities it was not fitted to within an
    /// RMS log error of 0.75 (≈ a factor 2.1) on this loaded 2-CPU VM; the earlier sessions' two probe runs already
    /// differ by an RMS log error of 0.34 on the same quantities (measured: 0.454 / 0.616 and 0.238 / 0.535 for their
    /// fitted / held-out sets).
    /// </summary>
    private const double MaxCentralRms = 0.75;

    /// <summary>
    /// The stated perf bound on the fitted session and the later sessions of its build (docs/calibration.md "The device
    /// round, measured"): of the 30 top-10 functions of the three pooled profiles, this many within 5 points — all of
    /// them (largest differences 4.36, 4.97, 4.98 points; before the device round was measured: 23, 24 and 24 of 30).
    /// </summary>
    private const int MinWithinFivePoints = 30;

    /// <summary>
    /// And every profile's realism score (100 − mean |difference| over its top 10) at least this (measured 97.48–98.87 on
    /// the three v1098 sessions; the twelfth round's fit 97.88–98.96).
    /// </summary>
    private const double MinRealism = 97.4;

    /// <summary>
    /// The stated error on the sessions held out entirely (the ninth round's, taken the same way on build v1045, and the
    /// eleventh and twelfth, on the fitted build): their held-out central quantities at an RMS log error of 0.185, 0.152
    /// and 0.189, their fitted sets' at 0.296, 0.248 and 0.235 (the twelfth round's fit: 0.229, 0.167, 0.235 and 0.244,
    /// 0.244, 0.269; the eighth round's: 0.435 and 0.395 on the ninth).
    /// </summary>
    private const double MaxHeldOutSessionRms = 0.30;

    /// <summary>
    /// The previous fit (2026-12-01, kernel build v657, kept in its folder) on the 2026-11-26 sessions (build v782): the
    /// claim it was shipped with. The new build creates a netns in twice the time, so the new profile is not checked
    /// against those builds' sessions (docs/calibration.md).
    /// </summary>
    [TestCase(Earlier)]
    [TestCase(EarlierRepeat)]
    public void Validate_PreviousProfileOnEarlierSessions_CentralQuantitiesWithinStatedError(string set)
    {
        var dir = Path.Combine(RepoRoot(), set);
        var previous = KernelProfileLoader.Load(Path.Combine(RepoRoot(), Previous, "profile.json"));
        var rows = new Replay(dir, MeasurementSet.Load(dir)).Compare(previous, fittedOnly: false);
        var central = rows.Where(r => !r.IsTail).ToList();

        Assert.That(central.Select(r => r.Predicted), Has.All.Not.Null);
        Assert.That(Calibrator.Rms(central.Where(r => r.Fitted).ToList()), Is.LessThan(MaxCentralRms));
        Assert.That(Calibrator.Rms(ComparisonTable.HeldOutCentral(rows)), Is.LessThan(MaxCentralRms));
    }

    /// <summary>
    /// The host's own noise behind the perf bound: on the fitted session each of the three perf-sampled runs has 29 of
    /// the 30 top-10 shares within 5 points of its pool (netdev_unregister_kobject 5.48 off at 512), while the ninth
    /// session, taken the same way, is within 5 points of this one's for 18 (docs/calibration.md "The shipped fit,
    /// tenth round"): a session's runs agree, sessions less.
    /// </summary>
    [Test]
    public void HostRunSpread_FittedSession_RunsAgreeWithTheirPool()
    {
        var dir = Path.Combine(RepoRoot(), Fitted);
        var set = MeasurementSet.Load(dir);
        var perf = ProfileComparison.ForSet(new Replay(dir, set), KernelProfileLoader.Load("host-6.18"));
        var spread = perf.Select(p => ProfileComparison.HostRunSpread(dir, p.Experiment, p.Shares.Take(10).ToList())).ToList();

        Assert.That(spread, Has.All.Count.EqualTo(10));
        Assert.That(spread.Sum(s => s.Count(f => f.MaxRunDifferencePoints <= 5)), Is.EqualTo(29));
        Assert.That(ProfileComparison.HostRunSpread(dir, set.Experiments.First(e => e.Perf is null), []), Is.Empty, "no perf runs: nothing to say");
    }

    /// <summary>
    /// The ninth round's session, taken the same way as the fitted one (perf over the whole teardown, three pooled
    /// perf-sampled runs per size) four hours earlier on build v1045, used by no fit of the shipped profile: every
    /// central quantity it claims within <see cref="MaxHeldOutSessionRms"/>, and its pooled perf profiles 17 of the 30
    /// top-10 functions within 5 points (4 / 8 / 5; the twelfth round's fit 18), realism ≥ 93.4 (measured 94.17–96.15)
    /// — the host's own agreement across the two builds:
    /// the ninth session's shares are within 5 points of the tenth's for 18 of 30 (its sysfs_remove_groups 10.5–11.3 %
    /// against 17.4–18.7 % on every v1098 session).
    /// </summary>
    [Test]
    public void Validate_HostProfileOnTheHeldOutSession_CentralQuantitiesAndPerfWithinStatedError()
    {
        var dir = Path.Combine(RepoRoot(), Ninth);
        var (_, within, realism) = AssertHeldOutSession(dir);

        Assert.That(within.Values.Sum(), Is.GreaterThanOrEqualTo(17), string.Join(", ", within));
        Assert.That(realism.Values, Has.All.GreaterThanOrEqualTo(93.4), string.Join(", ", realism));
    }

    /// <summary>
    /// The three sessions taken after the fit on its build (v1098; eleventh 17:46, twelfth 22:00 UTC on 2026-12-02,
    /// thirteenth 08:00 UTC on 2026-12-03), used by no fit:
    /// every central quantity they claim within <see cref="MaxHeldOutSessionRms"/>, every one of the 30 top-10 perf
    /// shares within 5 points, realism ≥ <see cref="MinRealism"/>.
    /// </summary>
    [TestCase(Eleventh)]
    [TestCase(Twelfth)]
    [TestCase(Thirteenth)]
    public void Validate_HostProfileOnLaterSessionsOfItsBuild_CentralQuantitiesAndEveryPerfShareWithinStatedError(string session)
    {
        var dir = Path.Combine(RepoRoot(), session);
        var (set, within, realism) = AssertHeldOutSession(dir);

        Assert.That(set.Host.KernelRelease, Is.EqualTo(MeasurementSet.Load(Path.Combine(RepoRoot(), Fitted)).Host.KernelRelease), "the fitted build");
        Assert.That(within.Values.Sum(), Is.EqualTo(MinWithinFivePoints), string.Join(", ", within));
        Assert.That(realism.Values, Has.All.GreaterThanOrEqualTo(MinRealism), string.Join(", ", realism));
    }

    /// <summary>
    /// The sessions of build v1147 (this machine's kernel from 2026-12-03 11:36; docs/calibration.md "Where cleanup_net
    /// waits, traced", "The new build"): the fourteenth, probed after a build (load 1.39), and the fifteenth, quiet. The
    /// shipped v1098 fit never saw them: the held-out central quantities within <see cref="MaxHeldOutSessionRms"/>
    /// (0.197, 0.222); the fitted set within it on the quiet one (0.244), not on the loaded one (0.335, its serial
    /// creations' p99 7.5 ms); and as many perf shares within 5 points as stated (23 and 28 of 30).
    /// </summary>
    [TestCase(Fourteenth, 0.34, 23)]
    [TestCase(Fifteenth, MaxHeldOutSessionRms, 28)]
    public void Validate_HostProfileOnAnotherBuildsSessions_CentralQuantitiesWithinStatedError(string session, double maxFittedSetRms, int withinFivePoints)
    {
        var dir = Path.Combine(RepoRoot(), session);
        var replay = new Replay(dir, MeasurementSet.Load(dir));
        var shipped = KernelProfileLoader.Load("host-6.18");
        var rows = replay.Compare(shipped, fittedOnly: false);
        var within = SessionFit.TopTenWithin5(replay, shipped);

        Assert.That(replay.Set.Host.KernelRelease, Is.EqualTo("6.18.44-fc-v1147"));
        Assert.That(Calibrator.Rms(ComparisonTable.HeldOutCentral(rows)), Is.LessThan(MaxHeldOutSessionRms));
        Assert.That(SessionFit.FittedRms(rows), Is.LessThan(maxFittedSetRms));
        Assert.That(within, Is.GreaterThanOrEqualTo(withinFivePoints));
    }

    /// <summary>
    /// The sessions of build v1045 taken the eighth round's way (perf inside the first timed run, the window closing
    /// 50 ms after the last peer), quiet ones: an observer-free one and its repeat 20 minutes later (load 1.6–3.3), one
    /// with the sysfs observer at load 0.6–2.1, and the first session with it at load 4–12. The central quantities the
    /// profile claims — all but the burst probe's creation-phase and whole-run medians, which the model does not predict
    /// (the creation phase's mount and link work under RTNL is not modelled; docs/calibration.md) — within the stated
    /// error.
    /// </summary>
    [TestCase(QuietObserverFree)]
    [TestCase(QuietObserverFreeRepeat)]
    [TestCase(Quiet)]
    [TestCase(ObserverSession)]
    public void Validate_HostProfileOnOtherSessions_ClaimedCentralQuantitiesWithinStatedError(string set)
    {
        var rows = CompareShipped(set);
        var held = ComparisonTable.HeldOutCentral(rows);

        Assert.That(rows.Where(r => !r.IsTail).Select(r => r.Predicted), Has.All.Not.Null);
        Assert.That(rows.Where(r => r.NotPredicted && !r.IsTail).Select(r => r.Quantity).Distinct(), Is.EquivalentTo(new[] { "creation_ms_p50", "creation_ms_cv", "create_phase_creation_ms_p50", "create_phase_creation_ms_cv" }));
        Assert.That(held, Has.Count.EqualTo(8), "loops 2 × 2, churn-50 × 2, the 1000-netns teardown and its probe's teardown-window median");
        Assert.That(SessionFit.FittedRms(rows), Is.LessThan(MaxCentralRms));
        Assert.That(Calibrator.Rms(held), Is.LessThan(MaxCentralRms));
    }

    /// <summary>
    /// The two loaded sessions of build v1045 (load 12.5–16 observer-free; 12–31 with the sysfs observer): the held-out
    /// central quantities within the stated error (0.406, 0.683). Their fitted set — on a quiet session for the
    /// shipped fit — is not claimed at load above 10: 0.822 and 0.798, every burst's teardown slower than predicted
    /// (docs/calibration.md "The tenth round").
    /// </summary>
    [TestCase(LoadedObserverFree)]
    [TestCase(Repeat)]
    public void Validate_HostProfileOnLoadedSessions_HeldOutCentralQuantitiesWithinStatedError(string set)
    {
        var dir = Path.Combine(RepoRoot(), set);
        var rows = CompareShipped(set);

        Assert.That(MeasurementSet.Load(dir).Experiments.Where(e => e.Name.StartsWith("burst-", StringComparison.Ordinal)).SelectMany(e => e.Samples["load_average_per_run"]), Has.All.GreaterThan(10), "a loaded session");
        Assert.That(Calibrator.Rms(ComparisonTable.HeldOutCentral(rows)), Is.LessThan(MaxCentralRms));
    }

    /// <summary>
    /// A session no fit used, under the shipped profile: its fitted set's and held-out central quantities within
    /// <see cref="MaxHeldOutSessionRms"/> (asserted here); per perf experiment, the top-10 shares within 5 points and the
    /// realism score.
    /// </summary>
    private static (MeasurementSet Set, Dictionary<string, int> Within, Dictionary<string, double> Realism) AssertHeldOutSession(string dir)
    {
        var replay = new Replay(dir, MeasurementSet.Load(dir));
        var rows = replay.Compare(KernelProfileLoader.Load("host-6.18"), fittedOnly: false);
        var perf = ProfileComparison.ForSet(replay, KernelProfileLoader.Load("host-6.18"));

        Assert.That(SessionFit.FittedRms(rows), Is.LessThan(MaxHeldOutSessionRms));
        Assert.That(Calibrator.Rms(ComparisonTable.HeldOutCentral(rows)), Is.LessThan(MaxHeldOutSessionRms));
        return (replay.Set,
            perf.ToDictionary(p => p.Experiment.Name, p => SessionFit.TopTenWithin5(p.Shares)),
            perf.ToDictionary(p => p.Experiment.Name, p => ProfileComparison.RealismScore(p.Shares.Take(10).ToList())));
    }

    private static IReadOnlyList<Comparison> CompareShipped(string set)
    {
        var dir = Path.Combine(RepoRoot(), set);
        return new Replay(dir, MeasurementSet.Load(dir)).Compare(KernelProfileLoader.Load("host-6.18"), fittedOnly: false);
    }

    [Test]
    public void Load_HostProfile_NamesTheMeasurementsAndTheFit()
    {
        var p = KernelProfileLoader.Load("host-6.18");
        var set = MeasurementSet.Load(Path.Combine(RepoRoot(), Fitted));

        // v6.18's structure but for the host's preemption model, which the probe read from its kernel (not fitted).
        Assert.That(set.Host.Preemption, Is.EqualTo("none"));
        Assert.That(p.Structure, Is.EqualTo(KernelProfileLoader.Load("v6.18").Structure with { Preemption = PreemptionModel.None }));
        Assert.That(p.Provenance, Does.Contain("Preemption: none"));
        Assert.That(p.Sources[^1], Does.Contain(set.Host.KernelRelease));
        Assert.That(p.Provenance, Does.Contain("held out"));
        Assert.That(set.Host.OnlineCpus, Is.GreaterThan(0));
    }

    [Test]
    public void Load_HostProfile_IsTheValidatedFitWithTheHostsOps()
    {
        var shipped = KernelProfileLoader.Load("host-6.18");
        var validated = KernelProfileLoader.Load(Path.Combine(RepoRoot(), Fitted, "profile.json"));
        var ops = shipped.PernetOps.Select(o => o.Name).ToList();

        Assert.That(shipped.Costs, Is.EqualTo(validated.Costs));
        Assert.That(shipped.PernetOps, Is.EqualTo(validated.PernetOps));
        Assert.That(shipped.Variation, Is.EqualTo(validated.Variation).And.Not.Null);
        Assert.That(ops, Does.Not.Contain("sunrpc_exit_net").And.Not.Contain("rpcsec_gss_exit_net"), "this VM's 6.18 has no SUNRPC");
        Assert.That(ops, Does.Contain(HostPernetOps.UnmodelledExitsOp), "the exit work no op models, measured");
        Assert.That(shipped.Provenance, Does.Contain("rpcsec_gss_exit_net"), "the drop is stated");
    }

    /// <summary>
    /// The perf profiles of the fitted session's bursts (512 and 2000 fitted, 1000 held out), host shares without kernfs
    /// lock contention (none in this session): the stated bound of docs/calibration.md "perf shares, seventh round".
    /// </summary>
    [Test]
    public void Validate_HostProfileOnItsSession_PerfTop10WithinStatedPoints()
    {
        var dir = Path.Combine(RepoRoot(), Fitted);
        var perf = ProfileComparison.ForSet(new Replay(dir, MeasurementSet.Load(dir)), KernelProfileLoader.Load("host-6.18"));
        var within = perf.ToDictionary(p => p.Experiment.Name, p => SessionFit.TopTenWithin5(p.Shares));
        var realism = perf.ToDictionary(p => p.Experiment.Name, p => ProfileComparison.RealismScore(p.Shares.Take(10).ToList()));

        Assert.That(perf.Select(p => p.Contended), Has.All.EqualTo(0), "the rtnetlink observer takes no kernfs lock");
        Assert.That(within.Values.Sum(), Is.GreaterThanOrEqualTo(MinWithinFivePoints), string.Join(", ", within));
        Assert.That(realism.Values, Has.All.GreaterThanOrEqualTo(MinRealism), string.Join(", ", realism));
    }

    /// <summary>
    /// The ninth round's session (perf over the whole teardown, three perf-sampled runs pooled per size) under the fit
    /// made on it (its profile.json, not shipped): 19 of the 30 top-10 functions within 5 points (6 / 6 / 7), realism ≥ 94.5
    /// (docs/calibration.md "The ninth round"); the pooled comparison replays as many replications as the host pooled.
    /// </summary>
    [Test]
    public void Validate_NinthRoundFitOnItsSession_PooledPerfTop10WithinStatedPoints()
    {
        var dir = Path.Combine(RepoRoot(), Ninth);
        var set = MeasurementSet.Load(dir);
        var perf = ProfileComparison.ForSet(new Replay(dir, set), KernelProfileLoader.Load(Path.Combine(dir, "profile.json")));
        var within = perf.ToDictionary(p => p.Experiment.Name, p => SessionFit.TopTenWithin5(p.Shares));
        var realism = perf.ToDictionary(p => p.Experiment.Name, p => ProfileComparison.RealismScore(p.Shares.Take(10).ToList()));

        Assert.That(set.Experiments.Where(e => e.Perf is not null).Select(e => e.PerfRuns), Has.All.EqualTo(3), "three perf-sampled runs per size");
        Assert.That(within.Values.Sum(), Is.GreaterThanOrEqualTo(19), string.Join(", ", within));
        Assert.That(realism.Values, Has.All.GreaterThanOrEqualTo(94.5), string.Join(", ", realism));
    }

    /// <summary>
    /// The run-to-run spread on the fitted session (docs/calibration.md "The shipped fit, thirteenth round"): the teardown
    /// CV of every burst (1000 netns held out) and the creation CV of the serial cycles, of both parallel-loop experiments
    /// and of churn at every rate (loops and 50 per s held out) within a factor 1.5 of the host's (measured ×0.87 …
    /// ×1.23) — the 1000-netns teardown's too (host 0.248, simulated 0.221; the twelfth round's fit ×0.64, without the
    /// worker's tick deferral), and on the two later sessions of the build (host 0.176 and 0.182, ×1.26 and ×1.22). The
    /// burst probes' creation CVs are not claimed.
    /// </summary>
    [Test]
    public void Validate_HostProfileOnItsSession_SpreadWithinAFactorOneAndAHalf()
    {
        var dir = Path.Combine(RepoRoot(), Fitted);
        var rows = new Replay(dir, MeasurementSet.Load(dir)).Compare(KernelProfileLoader.Load("host-6.18"), fittedOnly: false);
        var claimed = rows.Where(r => r.Quantity == "peers_gone_cv"
            || (r.Quantity == "creation_ms_cv" && !r.Experiment.StartsWith("burst-", StringComparison.Ordinal))).ToList();

        Assert.That(claimed, Has.Count.EqualTo(11), "five bursts' teardown CVs, serial, two loops' and three churn rates' creation CVs");
        foreach (var later in new[] { Eleventh, Twelfth })
        {
            var r = CompareShipped(later).Single(r => r.Experiment == "burst-1000-veth" && r.Quantity == "peers_gone_cv");
            Assert.That(r.Predicted!.Value / r.Measured, Is.InRange(1 / 1.5, 1.5), $"{later}: host {r.Measured}, simulated {r.Predicted}");
        }

        foreach (var r in claimed)
        {
            var ratio = r.Predicted!.Value / r.Measured;
            Assert.That(ratio, Is.InRange(1 / 1.5, 1.5), $"{r.Experiment} {r.Quantity}: host {r.Measured}, simulated {r.Predicted}");
        }
    }

    private static string RepoRoot() => EraRun.RepoRoot();
}
