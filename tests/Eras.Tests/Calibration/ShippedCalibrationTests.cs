using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// The shipped host profile (profiles/host-6.18.json) is the one fitted to and validated on the 2026-12-02 probe at
/// low load whose burst observer reads RTM_DELLINK notifications (calibration/vm-6.18.44-20261202-quiet-rtnetlink,
/// kernel build 6.18.44-fc-v1045; docs/calibration.md "The shipped fit, eighth round"), and it predicts the four other
/// sessions of that build, which no fit of it has used — the loaded observer-free one and the three whose observer, a
/// sysfs stat walk, slowed their teardowns (docs "perf shares, seventh round") — over the quantities it claims (the
/// teardown-aligned ones). The profile shipped before (fitted on 2026-12-01, build v657)
/// still predicts the two probe runs of 2026-11-26.
/// </summary>
[TestFixture]
public sealed class ShippedCalibrationTests
{
    private const string Fitted = "calibration/vm-6.18.44-20261202-quiet-rtnetlink";
    private const string Ninth = "calibration/vm-6.18.44-20261202-ninth";
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

    /// <summary>The stated perf bound on the fitted session (docs/calibration.md "perf shares, seventh round"): of the 30 top-10 functions of its three profiles, at least this many within 5 points.</summary>
    private const int MinWithinFivePoints = 20;

    /// <summary>And every profile's realism score (100 − mean |difference| over its top 10) at least this.</summary>
    private const double MinRealism = 92.5;

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
    /// The sessions of this build the profile was not fitted to (the observer-free ones: a quiet repeat of the fitted
    /// session 20 minutes later, and one at load 12.5–16; the first, its repeat at load 12–31 and the quiet one at load
    /// 0.6–2.1, those three with the sysfs observer): the central quantities the profile claims — all but the burst
    /// probe's creation-phase and whole-run medians, which the model does not predict (the creation phase's mount and
    /// link work under RTNL is not modelled; docs/calibration.md) — within the stated error.
    /// </summary>
    [TestCase(QuietObserverFreeRepeat)]
    [TestCase(LoadedObserverFree)]
    [TestCase(Repeat)]
    [TestCase(Quiet)]
    [TestCase(ObserverSession)]
    public void Validate_HostProfileOnOtherSessions_ClaimedCentralQuantitiesWithinStatedError(string set)
    {
        var dir = Path.Combine(RepoRoot(), set);
        var rows = new Replay(dir, MeasurementSet.Load(dir)).Compare(KernelProfileLoader.Load("host-6.18"), fittedOnly: false);
        var held = ComparisonTable.HeldOutCentral(rows);

        Assert.That(rows.Where(r => !r.IsTail).Select(r => r.Predicted), Has.All.Not.Null);
        Assert.That(rows.Where(r => r.NotPredicted && !r.IsTail).Select(r => r.Quantity).Distinct(), Is.EquivalentTo(new[] { "creation_ms_p50", "creation_ms_cv", "create_phase_creation_ms_p50", "create_phase_creation_ms_cv" }));
        Assert.That(held, Has.Count.EqualTo(8), "loops 2 × 2, churn-50 × 2, the 1000-netns teardown and its probe's teardown-window median");
        Assert.That(Calibrator.Rms(rows.Where(r => r.Fitted && r.LogError is not null).ToList()), Is.LessThan(MaxCentralRms));
        Assert.That(Calibrator.Rms(held), Is.LessThan(MaxCentralRms));
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
        var within = perf.ToDictionary(p => p.Experiment.Name, p => p.Shares.Take(10).Count(s => Math.Abs(s.DifferencePoints) <= 5));
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
        var within = perf.ToDictionary(p => p.Experiment.Name, p => p.Shares.Take(10).Count(s => Math.Abs(s.DifferencePoints) <= 5));
        var realism = perf.ToDictionary(p => p.Experiment.Name, p => ProfileComparison.RealismScore(p.Shares.Take(10).ToList()));

        Assert.That(set.Experiments.Where(e => e.Perf is not null).Select(e => e.PerfRuns), Has.All.EqualTo(3), "three perf-sampled runs per size");
        Assert.That(within.Values.Sum(), Is.GreaterThanOrEqualTo(19), string.Join(", ", within));
        Assert.That(realism.Values, Has.All.GreaterThanOrEqualTo(94.5), string.Join(", ", realism));
    }

    /// <summary>
    /// The run-to-run spread on the fitted session (docs/calibration.md "The shipped fit, eighth round"): the teardown
    /// CV of every burst (1000 netns held out) and the creation CV of the serial cycles and of both parallel-loop
    /// experiments (held out) within a factor 1.5 of the host's. Churn's creation CV is outside it at 50 per s (held
    /// out, 0.45×) and is not claimed.
    /// </summary>
    [Test]
    public void Validate_HostProfileOnItsSession_SpreadWithinAFactorOneAndAHalf()
    {
        var dir = Path.Combine(RepoRoot(), Fitted);
        var rows = new Replay(dir, MeasurementSet.Load(dir)).Compare(KernelProfileLoader.Load("host-6.18"), fittedOnly: false);
        var claimed = rows.Where(r => r.Quantity == "peers_gone_cv"
            || (r.Quantity == "creation_ms_cv" && (r.Experiment.StartsWith("serial-", StringComparison.Ordinal) || r.Experiment.StartsWith("loops-", StringComparison.Ordinal)))).ToList();

        Assert.That(claimed, Has.Count.EqualTo(8), "five bursts' teardown CVs, serial and two loop creation CVs");
        foreach (var r in claimed)
        {
            var ratio = r.Predicted!.Value / r.Measured;
            Assert.That(ratio, Is.InRange(1 / 1.5, 1.5), $"{r.Experiment} {r.Quantity}: host {r.Measured}, simulated {r.Predicted}");
        }
    }

    private static string RepoRoot() => EraRun.RepoRoot();
}
