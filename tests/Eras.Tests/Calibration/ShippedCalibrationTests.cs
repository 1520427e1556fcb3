using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// The shipped host profile (profiles/host-6.18.json) is the one fitted to and validated on the 2026-12-01 probe
/// (calibration/vm-6.18.44-20261201, docs/calibration.md), and it predicts the two probe runs of 2026-11-26, which no
/// fit of it has used (another session of the same VM, another build of 6.18.44).
/// </summary>
[TestFixture]
public sealed class ShippedCalibrationTests
{
    private const string Fitted = "calibration/vm-6.18.44-20261201";
    private const string Earlier = "calibration/vm-6.18.44-20261126";
    private const string EarlierRepeat = "calibration/vm-6.18.44-20261126-repeat";

    /// <summary>
    /// The stated error of the 2026-12-01 fit (docs/calibration.md): central quantities it was not fitted to within an
    /// RMS log error of 0.75 (≈ a factor 2.1) on this loaded 2-CPU VM; the earlier sessions' two probe runs already
    /// differ by an RMS log error of 0.34 on the same quantities (measured: 0.454 / 0.616 and 0.238 / 0.535 for their
    /// fitted / held-out sets).
    /// </summary>
    private const double MaxCentralRms = 0.75;

    [TestCase(Earlier)]
    [TestCase(EarlierRepeat)]
    public void Validate_HostProfileOnEarlierSessions_CentralQuantitiesWithinStatedError(string set)
    {
        var dir = Path.Combine(RepoRoot(), set);
        var rows = new Replay(dir, MeasurementSet.Load(dir)).Compare(KernelProfileLoader.Load("host-6.18"), fittedOnly: false);
        var central = rows.Where(r => !r.IsTail).ToList();

        Assert.That(central.Select(r => r.Predicted), Has.All.Not.Null);
        Assert.That(Calibrator.Rms(central.Where(r => r.Fitted).ToList()), Is.LessThan(MaxCentralRms));
        Assert.That(Calibrator.Rms(ComparisonTable.HeldOutCentral(rows)), Is.LessThan(MaxCentralRms));
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
        Assert.That(shipped.Provenance, Does.Contain("rpcsec_gss_exit_net"), "the drop is stated");
    }

    private static string RepoRoot() => EraRun.RepoRoot();
}
