using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// A fit pooled over sessions of two builds, checked on a whole session of a third build it never saw
/// (docs/calibration.md, "A fit pooled over sessions"): the thirteenth (v1098) and seventeenth (v1147) sessions
/// fitted at once predict the eighteenth (v1272) better than either build's own fit does, and keep every perf share
/// of the top 10 within 5 points; and the nineteenth session, the eighteenth's build and boot five hours later,
/// shows the floor any one profile meets: its creations moved by a third while its big bursts did not.
/// </summary>
[TestFixture]
public sealed class PooledSessionTests
{
    private static readonly string Root = EraRun.RepoRoot();

    private static KernelProfile Load(string path) => KernelProfileLoader.Parse(File.ReadAllText(Path.Combine(Root, path)));

    private static Replay Session(string name)
    {
        var dir = Path.Combine(Root, "calibration", name);
        return new Replay(dir, MeasurementSet.Load(dir));
    }

    /// <summary>RMS log error over every central quantity of the session (a whole session held out), as validate prints it.</summary>
    private static double Whole(Replay session, KernelProfile p) => Calibrator.Rms(ComparisonTable.SessionCentral(session.Compare(p, fittedOnly: false)));

    [Test]
    public void Validate_PooledFitOnAnUnseenBuild_BeatsEachBuildsOwnFit()
    {
        var eighteenth = Session("vm-6.18.44-20261204-eighteenth");
        var pooled = Load("calibration/pooled/thirteenth-seventeenth/profile.json");
        var pooledRms = Whole(eighteenth, pooled);

        Assert.That(pooledRms, Is.LessThan(0.26), "pooled: 0.249 over the 33 central quantities");
        Assert.That(Whole(eighteenth, Load("calibration/vm-6.18.44-20261203-seventeenth/profile.json")) - pooledRms, Is.GreaterThan(0.02), "the seventeenth session's own fit: 0.276");
        Assert.That(Whole(eighteenth, Load("profiles/host-6.18.json")) - pooledRms, Is.GreaterThan(0.1), "the shipped fit (v1098): 0.408");
        Assert.That(SessionFit.TopTenWithin5(eighteenth, pooled), Is.EqualTo(30), "every top-10 share of the three perf-sampled bursts within 5 points");
        Assert.That(pooled.Sources.Count(s => s.StartsWith("netns-policy probe", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(pooled.Sources, Has.None.Contains("eighteenth"), "the eighteenth session was not fitted");
    }

    /// <summary>Three builds' sessions pooled, on the nineteenth session measured after the fit's code was written.</summary>
    [Test]
    public void Validate_ThreeBuildsPooledOnALaterSession_BeatsEverySingleSessionFit()
    {
        var nineteenth = Session("vm-6.18.44-20261204-nineteenth");
        var pooled = Load("calibration/pooled/thirteenth-seventeenth-eighteenth/profile.json");
        var pooledRms = Whole(nineteenth, pooled);

        Assert.That(pooledRms, Is.LessThan(0.19), "pooled: 0.182 over the 33 central quantities");
        Assert.That(Whole(nineteenth, Load("calibration/vm-6.18.44-20261204-eighteenth/profile.json")) - pooledRms, Is.GreaterThan(0.04), "the same build and boot's own fit: 0.239");
        Assert.That(Whole(nineteenth, Load("profiles/host-6.18.json")) - pooledRms, Is.GreaterThan(0.08), "shipped: 0.284");
        Assert.That(SessionFit.TopTenWithin5(nineteenth, pooled), Is.EqualTo(30), "the eighteenth's own fit: 22 of 30");
    }

    [Test]
    public void Measurements_SameBootFiveHoursApart_CreationsMovedBigBurstsDidNot()
    {
        static Dictionary<(string, string), double> Central(string name) =>
            MeasurementSet.Load(Path.Combine(Root, "calibration", name)).Experiments.SelectMany(e => e.Quantities.Select(q => (e.Name, q))).ToDictionary(x => (x.Name, x.q.Name), x => x.q.Value);
        var before = Central("vm-6.18.44-20261204-eighteenth");
        var after = Central("vm-6.18.44-20261204-nineteenth");
        double Change(string e, string q) => (after[(e, q)] / before[(e, q)]) - 1;

        Assert.That(Change("serial-300", Quantities.CreationMsP50), Is.LessThan(-0.3), "serial creations −35 %");
        Assert.That(Change("loops-2x150", Quantities.CreationMsP50), Is.LessThan(-0.3), "two loops −45 %");
        Assert.That(Change("burst-1000-veth", Quantities.PeersGoneSeconds), Is.InRange(-0.03, 0.03), "−1.4 %");
        Assert.That(Change("burst-2000-veth", Quantities.PeersGoneSeconds), Is.InRange(-0.03, 0.03), "+2.2 %");
    }
}
