using System.Security.Cryptography;
using NetnsPolicy.Simulation.Metrics;
using static NetnsPolicy.Reports.Tests.SyntheticRuns;

namespace NetnsPolicy.Reports.Tests;

[TestFixture]
public sealed class RunFingerprintTests
{
    [Test]
    public void Of_Sha256OfTheJsonWithThePolicysIdentityBlanked()
    {
        // The JSON the identical-to-baseline check compared before it compared fingerprints.
        var run = Run("fast", 2, 0.5, changed: 3);
        var json = RunResultJson.SerializeToUtf8Bytes(run with { Policy = "", PolicyParameters = "", Decisions = new Dictionary<string, DecisionCount>() });
        Assert.That(RunFingerprint.Of(run), Is.EqualTo(SHA256.HashData(json)));
    }

    [Test]
    public void Of_OtherPolicyNameParametersAndDecisions_SameFingerprint()
    {
        var run = Run("fast", 2, 0.5, changed: 3);
        Assert.That(RunFingerprint.Of(run with { Policy = "other", PolicyParameters = "x=1", Decisions = new Dictionary<string, DecisionCount>() }), Is.EqualTo(RunFingerprint.Of(run)));
    }

    [Test]
    public void Lighten_DropsSeriesAndProfile_KeepsTheWholeRunsFingerprintAndTheRest()
    {
        var run = Run("fast", 2, 0.5);
        var light = RunFingerprint.Lighten(run);
        Assert.Multiple(() =>
        {
            Assert.That(light.Series.TimeMs, Is.Empty);
            Assert.That(light.Series.GracePeriods, Is.Empty);
            Assert.That(light.Profile.Children, Is.Empty);
            Assert.That(RunFingerprint.Of(light), Is.EqualTo(RunFingerprint.Of(run)));
            Assert.That(RunFingerprint.Of(RunFingerprint.Lighten(light)), Is.EqualTo(RunFingerprint.Of(run)), "lightened twice");
            Assert.That(RunResultJson.Serialize(light), Is.EqualTo(RunResultJson.Serialize(run with { Series = new RunSeries(), Profile = new ProfileNode() })));
        });
    }

    [Test]
    public void LightenUnfingerprinted_DropsSeriesAndProfile_OfRefusesIt()
    {
        var light = RunFingerprint.LightenUnfingerprinted(Run("fast", 2, 0.5));
        Assert.Multiple(() =>
        {
            Assert.That(light.Series.TimeMs, Is.Empty);
            Assert.That(light.Profile.Children, Is.Empty);
            Assert.That(() => RunFingerprint.Of(light), Throws.InvalidOperationException);
        });
    }

    [Test]
    public void SameCounters_OneCounterOff_False()
    {
        var run = Run("fast", 2, 0.5);
        Assert.Multiple(() =>
        {
            Assert.That(RunFingerprint.SameCounters(run, run with { Policy = "other", TeardownSeconds = 9 }), Is.True);
            Assert.That(RunFingerprint.SameCounters(run, run with { Steps = run.Steps + 1 }), Is.False);
            Assert.That(RunFingerprint.SameCounters(run, run with { Batches = run.Batches + 1 }), Is.False);
        });
    }
}
