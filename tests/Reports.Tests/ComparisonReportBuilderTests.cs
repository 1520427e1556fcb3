using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using static NetnsPolicy.Reports.Tests.SyntheticRuns;

namespace NetnsPolicy.Reports.Tests;

[TestFixture]
public sealed class ComparisonReportBuilderTests
{
    private static MetricComparison Metric(ComparisonReport report, string policy, string metric) =>
        report.Policies.Single(p => p.Policy == policy).Metrics.Single(m => m.Metric == metric);

    [Test]
    public void Build_Baseline_RatioOneAndVerdictBaseline()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), Policy("fast", 0.5)));
        var baseline = report.Policies.Single(p => p.Policy == "upstream");
        Assert.Multiple(() =>
        {
            Assert.That(baseline.IsBaseline, Is.True);
            Assert.That(baseline.Metrics.Select(m => m.Ratio), Is.All.EqualTo(1.0));
            Assert.That(baseline.Metrics.Select(m => m.Verdict), Is.All.EqualTo(Verdicts.Baseline));
            Assert.That(baseline.Metrics.Select(m => m.Metric), Is.EqualTo(MetricCatalog.All.Select(m => m.Id)));
        });
    }

    [Test]
    public void Build_HalvedCosts_BetterOnLowerIsBetterAndOnThroughput()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), Policy("fast", 0.5)));
        Assert.Multiple(() =>
        {
            Assert.That(Metric(report, "fast", MetricCatalog.TeardownSeconds).Ratio, Is.EqualTo(0.5).Within(1e-9));
            Assert.That(Metric(report, "fast", MetricCatalog.TeardownSeconds).Verdict, Is.EqualTo(Verdicts.Better));
            Assert.That(Metric(report, "fast", MetricCatalog.Throughput).Ratio, Is.EqualTo(2.0).Within(0.01));
            Assert.That(Metric(report, "fast", MetricCatalog.Throughput).Verdict, Is.EqualTo(Verdicts.Better));
            Assert.That(Metric(report, "fast", MetricCatalog.TeardownSeconds).PValue, Is.EqualTo(2.0 / 924).Within(1e-12));
            Assert.That(Metric(report, "fast", MetricCatalog.TeardownSeconds).Test, Is.EqualTo("exact"));
        });
    }

    [Test]
    public void Build_DoubledCosts_WorseEverywhereItMoved()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), Policy("slow", 2.0)));
        Assert.Multiple(() =>
        {
            Assert.That(Metric(report, "slow", MetricCatalog.CreationLatencyP99).Verdict, Is.EqualTo(Verdicts.Worse));
            Assert.That(Metric(report, "slow", MetricCatalog.Throughput).Verdict, Is.EqualTo(Verdicts.Worse));
            // 0 against 0 in every replication: one deterministic observation, within the threshold.
            Assert.That(Metric(report, "slow", MetricCatalog.EnospcFailures).Verdict, Is.EqualTo(Verdicts.Equivalent));
        });
    }

    [Test]
    public void Build_OverlappingSamples_NoSignificantDifference()
    {
        // 1% apart with a 10% spread: neither a difference nor equivalence within the 2% threshold can be shown.
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0, spread: 0.1), Policy("same", 1.01, spread: 0.1)));
        Assert.That(Metric(report, "same", MetricCatalog.TeardownSeconds).Verdict, Is.EqualTo(Verdicts.NoSignificantDifference));
    }

    [Test]
    public void Build_Samples_MeanAndIntervalFromReplications()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), Policy("fast", 0.5)));
        var m = Metric(report, "upstream", MetricCatalog.TeardownSeconds);
        Assert.Multiple(() =>
        {
            Assert.That(m.Samples, Has.Count.EqualTo(6));
            Assert.That(m.Mean, Is.EqualTo(m.Samples.Average()).Within(1e-12));
            Assert.That(m.CiLow, Is.LessThan(m.Mean));
            Assert.That(m.CiHigh, Is.GreaterThan(m.Mean));
        });
    }

    [Test]
    public void Build_OracleViolation_Disqualified()
    {
        var bad = Policy("unsafe", 0.5);
        var runs = bad.Runs.ToArray();
        runs[2] = runs[2] with { OracleViolations = [new OracleViolation("free-after-grace-period", 5_000_000, "net#3", "freed before a grace period")] };
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), bad with { Runs = runs }));
        var summary = report.Policies.Single(p => p.Policy == "unsafe");
        Assert.Multiple(() =>
        {
            Assert.That(summary.Disqualified, Is.True);
            Assert.That(summary.Problems.Single(), Does.Contain("free-after-grace-period").And.Contain("replication 2"));
            Assert.That(report.ParetoFront, Does.Not.Contain("unsafe"));
            Assert.That(report.Warnings, Has.Some.Contains("unsafe is disqualified"));
        });
    }

    [Test]
    public void Build_NonOkStatus_Disqualified()
    {
        var bad = Policy("crashy", 0.9);
        var runs = bad.Runs.ToArray();
        runs[0] = runs[0] with { Status = RunStatus.PolicyFault, StatusDetail = "threw" };
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), bad with { Runs = runs }));
        Assert.That(report.Policies.Single(p => p.Policy == "crashy").Problems, Has.Some.Contains("policy-fault: threw"));
    }

    [Test]
    public void Build_ResultsEqualToBaselineBitForBit_Warns()
    {
        var baseline = Policy("upstream", 1.0);
        var copy = new PolicyRuns("noop", "", "abc", baseline.Runs.Select(r => r with { Policy = "noop" }).ToArray());
        var report = ComparisonReportBuilder.Build(Input(baseline, copy));
        Assert.Multiple(() =>
        {
            Assert.That(report.Policies.Single(p => p.Policy == "noop").IdenticalToBaseline, Is.True);
            Assert.That(report.Warnings, Has.Some.Contains("noop").And.Some.Contains("bit for bit"));
        });
    }

    [TestCase(0)]
    [TestCase(4)]
    public void Build_ResultsEqualToBaselineButOneRunsEventCount_NotIdentical(int run)
    {
        // The counters are compared before the serialized runs: one differing counter in any run is a difference.
        var baseline = Policy("upstream", 1.0);
        var copy = baseline.Runs.Select(r => r with { Policy = "noop" }).ToArray();
        copy[run] = copy[run] with { Events = copy[run].Events + 1 };
        var report = ComparisonReportBuilder.Build(Input(baseline, new PolicyRuns("noop", "", "abc", copy)));
        Assert.That(report.Policies.Single(p => p.Policy == "noop").IdenticalToBaseline, Is.False);
    }

    [Test]
    public void Build_LaterReplicationsLightened_SameReport()
    {
        // What a tournament keeps of its runs (TournamentRunner) gives the report every run kept whole gives, including
        // the identical-to-baseline verdict of a copy of the baseline.
        var baseline = Policy("upstream", 1.0);
        var copy = new PolicyRuns("noop", "", "abc", baseline.Runs.Select(r => r with { Policy = "noop" }).ToArray());
        var fast = Policy("fast", 0.5);
        var whole = ComparisonReportBuilder.Build(Input(baseline, copy, fast));
        var light = ComparisonReportBuilder.Build(Input(Lightened(baseline), Lightened(copy), Lightened(fast)));
        Assert.Multiple(() =>
        {
            Assert.That(light.Policies.Single(p => p.Policy == "noop").IdenticalToBaseline, Is.True);
            Assert.That(ReportRenderer.ToJson(light), Is.EqualTo(ReportRenderer.ToJson(whole)));
        });
    }

    [TestCase("series", 1)]
    [TestCase("series", 4)]
    [TestCase("profile", 3)]
    public void Build_LightenedRunsEqualToBaselineButOneValueDeepInWhatWasDropped_NotIdentical(string part, int run)
    {
        // The run keeps only the fingerprint of what differs, and its counters agree: the fingerprint must tell.
        var baseline = Policy("upstream", 1.0);
        var copy = baseline.Runs.Select(r => r with { Policy = "noop" }).ToArray();
        var r = copy[run];
        copy[run] = part == "series"
            ? r with { Series = r.Series with { GracePeriods = [.. r.Series.GracePeriods.SkipLast(1), [60, 70.000001, 0]] } }
            : r with { Profile = r.Profile with { Children = [r.Profile.Children[0] with { Children = [r.Profile.Children[0].Children[0], r.Profile.Children[0].Children[1] with { SelfPct = 20.000001 }] }, r.Profile.Children[1]] } };
        var report = ComparisonReportBuilder.Build(Input(Lightened(baseline), Lightened(new PolicyRuns("noop", "", "abc", copy))));
        Assert.Multiple(() =>
        {
            Assert.That(ComparisonReportBuilder.Build(Input(baseline, new PolicyRuns("noop", "", "abc", copy))).Policies.Single(p => p.Policy == "noop").IdenticalToBaseline, Is.False, "whole runs");
            Assert.That(report.Policies.Single(p => p.Policy == "noop").IdenticalToBaseline, Is.False, "lightened runs");
        });
    }

    [Test]
    public void Build_RunsToldApartByACounterLightenedWithoutFingerprints_SameReport()
    {
        // A tournament skips the fingerprints of an entry whose counters differ from the baseline's in some replication
        // (RunKeeper): the check tells it apart by them and reads no fingerprint.
        var baseline = Policy("upstream", 1.0);
        var other = Policy("other", 0.9);
        var whole = ComparisonReportBuilder.Build(Input(baseline, other));
        var light = ComparisonReportBuilder.Build(Input(Lightened(baseline), other with { Runs = other.Runs.Select(r => r.Replication == 0 ? r : RunFingerprint.LightenUnfingerprinted(r)).ToArray() }));
        Assert.That(ReportRenderer.ToJson(light), Is.EqualTo(ReportRenderer.ToJson(whole)));
    }

    [Test]
    public void Build_RunLightenedWithoutFingerprintButCountersEqual_Throws()
    {
        // Its fingerprint would be needed: the check refuses rather than digest what is left of the run.
        var baseline = Policy("upstream", 1.0);
        var copy = baseline.Runs.Select(r => r.Replication == 3 ? RunFingerprint.LightenUnfingerprinted(r with { Policy = "noop" }) : r with { Policy = "noop" }).ToArray();
        Assert.That(() => ComparisonReportBuilder.Build(Input(baseline, new PolicyRuns("noop", "", "abc", copy))), Throws.InvalidOperationException);
    }

    /// <summary>What a tournament keeps (TournamentRunner): every replication but the first without its series and profile.</summary>
    private static PolicyRuns Lightened(PolicyRuns policy) =>
        policy with { Runs = policy.Runs.Select(r => r.Replication == 0 ? RunFingerprint.Attach(r) : RunFingerprint.Lighten(r)).ToArray() };

    [Test]
    public void Build_DifferentResults_NotIdentical()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), Policy("fast", 0.99)));
        Assert.That(report.Policies.Single(p => p.Policy == "fast").IdenticalToBaseline, Is.False);
    }

    [Test]
    public void Build_DecisionsSummedOverRuns_NeverChangedWarns()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), Policy("idle", 0.9, changed: 0), Policy("busy", 0.8, changed: 3)));
        Assert.Multiple(() =>
        {
            Assert.That(report.Policies.Single(p => p.Policy == "busy").Decisions["batch_admission"], Is.EqualTo(new DecisionCount(60, 18)));
            Assert.That(report.Warnings, Has.Some.Contains("idle never changed a decision"));
            Assert.That(report.Warnings, Has.None.Contains("busy never changed"));
        });
    }

    [Test]
    public void Build_TradeOffs_ParetoFrontOverLatencyThroughputMemory()
    {
        var fastButHungry = Policy("hungry", 0.5);
        fastButHungry = fastButHungry with { Runs = fastButHungry.Runs.Select(r => r with { PeakMemoryBytes = r.PeakMemoryBytes * 10 }).ToArray() };
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), fastButHungry, Policy("slow", 1.5)));
        Assert.That(report.ParetoFront, Is.EqualTo(new[] { "upstream", "hungry" }));
    }

    [Test]
    public void Build_ThreeReplications_WarnsThatNothingCanBeSignificant()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0, replications: 3), Policy("fast", 0.5, replications: 3)));
        Assert.Multiple(() =>
        {
            Assert.That(report.Warnings, Has.Some.Contains("smallest attainable p-value is 0.1"));
            Assert.That(Metric(report, "fast", MetricCatalog.TeardownSeconds).Verdict, Is.EqualTo(Verdicts.NoSignificantDifference));
        });
    }

    [Test]
    public void Build_UnknownBaseline_ValidationErrorNamesField()
    {
        var input = new ComparisonInput("w", "v4.9", "nope", [Policy("upstream", 1.0)]);
        var e = Assert.Throws<InputValidationException>(() => ComparisonReportBuilder.Build(input))!;
        Assert.That(e.Errors.Select(x => x.Field), Is.EqualTo(new[] { "baseline" }));
    }

    [Test]
    public void Build_PolicyWithoutRuns_ValidationErrorNamesField()
    {
        var input = Input(Policy("upstream", 1.0), new PolicyRuns("empty", "", "", []));
        var e = Assert.Throws<InputValidationException>(() => ComparisonReportBuilder.Build(input))!;
        Assert.That(e.Errors.Select(x => x.Field), Is.EqualTo(new[] { "policies[1].runs" }));
    }

    [Test]
    public void Build_ZeroBaselineMean_RatioNotANumberOrOne()
    {
        var withEnospc = Policy("starved", 1.0);
        withEnospc = withEnospc with { Runs = withEnospc.Runs.Select(r => r with { EnospcFailures = 4 }).ToArray() };
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), withEnospc, Policy("fine", 0.9)));
        Assert.Multiple(() =>
        {
            Assert.That(Metric(report, "starved", MetricCatalog.EnospcFailures).Ratio, Is.NaN);
            Assert.That(Metric(report, "starved", MetricCatalog.EnospcFailures).Verdict, Is.EqualTo(Verdicts.Worse));
            Assert.That(Metric(report, "fine", MetricCatalog.EnospcFailures).Ratio, Is.EqualTo(1.0));
        });
    }

    [Test]
    public void Verdict_HigherIsBetterAndLarger_Better()
    {
        var test = new NetnsPolicy.Reports.Statistics.MannWhitneyResult(30, 0.01, true, 1);
        Assert.Multiple(() =>
        {
            Assert.That(ComparisonReportBuilder.Verdict(test, lowerIsBetter: false), Is.EqualTo(Verdicts.Better));
            Assert.That(ComparisonReportBuilder.Verdict(test, lowerIsBetter: true), Is.EqualTo(Verdicts.Worse));
            Assert.That(ComparisonReportBuilder.Verdict(test with { PValue = 0.2 }, lowerIsBetter: true), Is.EqualTo(Verdicts.NoSignificantDifference));
        });
    }
}
