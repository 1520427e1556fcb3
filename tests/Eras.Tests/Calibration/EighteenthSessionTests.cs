using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// The eighteenth session (a build, v1272, no fit had seen; docs/calibration.md, "An eighteenth session"): its own
/// fit predicts it, the profiles fitted on other builds' sessions miss its times by 0.4 RMS while the seventeenth
/// fit keeps every perf share of the top 10 within 5 points, and the cooling its creation-gap experiments measure is
/// far smaller than the seventeenth session's.
/// </summary>
[TestFixture]
public sealed class EighteenthSessionTests
{
    private static readonly string Dir = Path.Combine(EraRun.RepoRoot(), "calibration/vm-6.18.44-20261204-eighteenth");

    private static KernelProfile Load(string path) => KernelProfileLoader.Parse(File.ReadAllText(Path.Combine(EraRun.RepoRoot(), path)));

    [Test]
    public void Measure_StoredSamples_ACoolingSmallerThanTheSeventeenthSessions()
    {
        var r = CreationCacheFit.Measure(MeasurementSet.Load(Dir))!;
        var seventeenth = CreationCacheFit.Measure(MeasurementSet.Load(Path.Combine(EraRun.RepoRoot(), "calibration/vm-6.18.44-20261203-seventeenth")))!;

        Assert.That(r.Spec, Is.EqualTo(Load("calibration/vm-6.18.44-20261204-eighteenth/profile.json").CreationCache));
        Assert.That(r.Spec.ColdFactor, Is.InRange(1.1, 1.35), "cold ×1.21 on v1272");
        Assert.That(seventeenth.Spec.ColdFactor - r.Spec.ColdFactor, Is.GreaterThan(0.4), "×1.80 on the seventeenth session (v1147)");
    }

    [Test]
    public void Validate_OwnFitAgainstOtherBuildsFits_TheTimesDriftTheSharesDoNot()
    {
        var replay = new Replay(Dir, MeasurementSet.Load(Dir));
        var own = Load("calibration/vm-6.18.44-20261204-eighteenth/profile.json");
        var seventeenth = Load("calibration/vm-6.18.44-20261203-seventeenth/profile.json");
        var ownRows = replay.Compare(own, fittedOnly: false);
        var seventeenthRows = replay.Compare(seventeenth, fittedOnly: false);

        Assert.That(SessionFit.FittedRms(ownRows), Is.LessThan(0.15), "own fit: 0.132");
        Assert.That(Calibrator.Rms(ComparisonTable.HeldOutCentral(ownRows)), Is.LessThan(0.17), "own fit held out: 0.148");
        Assert.That(SessionFit.FittedRms(seventeenthRows), Is.GreaterThan(0.3), "the seventeenth session's fit here: 0.398");
        Assert.That(SessionFit.TopTenWithin5(replay, seventeenth), Is.EqualTo(30), "the seventeenth session's fit keeps all 30 shares within 5 points");
        Assert.That(SessionFit.TopTenWithin5(replay, own), Is.GreaterThanOrEqualTo(24), "the own fit: 25 of 30");
    }
}
