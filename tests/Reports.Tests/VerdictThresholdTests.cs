using NetnsPolicy.Reports.Rendering;
using NetnsPolicy.Simulation.Metrics;
using static NetnsPolicy.Reports.Tests.SyntheticRuns;

namespace NetnsPolicy.Reports.Tests;

/// <summary>Verdicts need an effect beyond the practical threshold; identical replications are one observation.</summary>
[TestFixture]
public sealed class VerdictThresholdTests
{
    private static MetricComparison Metric(ComparisonReport report, string policy, string metric) =>
        report.Policies.Single(p => p.Policy == policy).Metrics.Single(m => m.Metric == metric);

    /// <summary>Five identical replications per policy, teardown as given (the seed track: no randomness).</summary>
    private static PolicyRuns Deterministic(string policy, double teardownSeconds) =>
        new(policy, "", "", Enumerable.Range(0, 5).Select(r => Run(policy, r, 1.0) with { TeardownSeconds = teardownSeconds }).ToArray());

    [Test]
    public void Build_IdenticalReplicationsTinyDifference_DeterministicEquivalentWithoutPValue()
    {
        // rcu-overlap against upstream on tournaments/main.json's seed track: 2.811159 s against 2.811161 s.
        var report = ComparisonReportBuilder.Build(Input(Deterministic("upstream", 2.811161), Deterministic("rcu-overlap", 2.811159)));
        var m = Metric(report, "rcu-overlap", MetricCatalog.TeardownSeconds);
        Assert.Multiple(() =>
        {
            Assert.That(m.Verdict, Is.EqualTo(Verdicts.Equivalent));
            Assert.That(m.Deterministic, Is.True);
            Assert.That(m.Test, Is.EqualTo("deterministic"));
            Assert.That(m.PValue, Is.NaN);
            Assert.That(report.Deterministic, Is.True);
            Assert.That(report.Warnings, Has.Some.Contains("deterministic"));
        });
    }

    [Test]
    public void Build_IdenticalReplicationsLargeDifference_BetterWithoutTest()
    {
        var report = ComparisonReportBuilder.Build(Input(Deterministic("upstream", 2.811), Deterministic("uevent-skip", 1.174)));
        var m = Metric(report, "uevent-skip", MetricCatalog.TeardownSeconds);
        Assert.Multiple(() =>
        {
            Assert.That(m.Verdict, Is.EqualTo(Verdicts.Better));
            Assert.That(m.PValue, Is.NaN);
            Assert.That(m.Effect, Is.EqualTo(1.174 - 2.811).Within(1e-9));
        });
    }

    [Test]
    public void Build_VaryingSignificantBelowThreshold_EquivalentByTost()
    {
        // 1% slower with a 0.1% spread: Mann–Whitney separates the samples completely, but 1% is below 2%.
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0, spread: 0.001), Policy("slightly", 1.01, spread: 0.001)));
        var m = Metric(report, "slightly", MetricCatalog.TeardownSeconds);
        Assert.Multiple(() =>
        {
            Assert.That(m.PValue, Is.LessThan(ComparisonReportBuilder.Alpha));
            Assert.That(m.EquivalencePValue, Is.LessThan(ComparisonReportBuilder.Alpha));
            Assert.That(m.Verdict, Is.EqualTo(Verdicts.Equivalent));
            Assert.That(m.Deterministic, Is.False);
        });
    }

    [Test]
    public void Build_VaryingSignificantAboveThreshold_Worse()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0, spread: 0.001), Policy("slower", 1.05, spread: 0.001)));
        Assert.That(Metric(report, "slower", MetricCatalog.TeardownSeconds).Verdict, Is.EqualTo(Verdicts.Worse));
    }

    [Test]
    public void Build_ConfiguredThreshold_SmallEffectCalled()
    {
        var input = Input(Policy("upstream", 1.0, spread: 0.001), Policy("slightly", 1.01, spread: 0.001)) with
        {
            Thresholds = new PracticalThresholds { PerMetric = new Dictionary<string, double> { [MetricCatalog.TeardownSeconds] = 0.005 } },
        };
        var report = ComparisonReportBuilder.Build(input);
        Assert.Multiple(() =>
        {
            Assert.That(Metric(report, "slightly", MetricCatalog.TeardownSeconds).Verdict, Is.EqualTo(Verdicts.Worse));
            Assert.That(Metric(report, "slightly", MetricCatalog.TeardownSeconds).Threshold, Is.EqualTo(0.005 * 2.0).Within(1e-9));
            Assert.That(Metric(report, "slightly", MetricCatalog.CreationLatencyP99).Verdict, Is.EqualTo(Verdicts.Equivalent));
        });
    }

    [Test]
    public void Build_NoNamespaceCreated_CreationLatencyNotMeasured()
    {
        PolicyRuns NoCreations(string policy, double scale) =>
            new(policy, "", "", Enumerable.Range(0, 4).Select(r => Run(policy, r, scale) with { CreationLatencyMs = LatencySummary.Empty }).ToArray());
        var report = ComparisonReportBuilder.Build(Input(NoCreations("upstream", 1.0), NoCreations("other", 0.5)));
        var m = Metric(report, "other", MetricCatalog.CreationLatencyP99);
        var markdown = ReportRenderer.ToMarkdown(report);
        Assert.Multiple(() =>
        {
            Assert.That(m.Verdict, Is.EqualTo(Verdicts.NotMeasured));
            Assert.That(m.Ratio, Is.NaN);
            Assert.That(MarkdownWriter.Mean(m), Is.EqualTo("not measured"));
            Assert.That(markdown, Does.Contain("not measured (n/a)"));
            Assert.That(ReportRenderer.ToJson(report), Does.Contain("\"verdict\": \"not-measured\""));
        });
    }

    [Test]
    public void Build_EveryVerdictCalled_EffectBeyondItsThreshold()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), Policy("fast", 0.5), Policy("close", 1.005, spread: 0.001)));
        var called = report.Policies.SelectMany(p => p.Metrics).Where(m => m.Verdict is Verdicts.Better or Verdicts.Worse).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(called, Is.Not.Empty);
            Assert.That(called.Select(m => Math.Abs(m.Effect) > m.Threshold), Is.All.True);
        });
    }

    [Test]
    public void Build_Policy_ExplanationNamesMetricAndProfileShift()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), Policy("fast", 0.5)));
        var fast = report.Policies.Single(p => p.Policy == "fast");
        Assert.Multiple(() =>
        {
            // The first replications' profiles (scales 0.95 and 0.475): self share of kobject_uevent_env 52.2% and 26.1%.
            Assert.That(fast.Explanation, Does.StartWith("teardown −50%, creation p99 −50%: kobject_uevent_env 52.2% → 26.1%"));
            Assert.That(report.Policies.Single(p => p.IsBaseline).Explanation, Is.EqualTo("baseline: kobject_uevent_env 52.2% of CPU time"));
            Assert.That(ReportRenderer.ToMarkdown(report), Does.Contain(fast.Explanation));
            Assert.That(ReportRenderer.ToHtml(report), Does.Contain(System.Net.WebUtility.HtmlEncode(fast.Explanation)));
        });
    }

    [Test]
    public void Change_RatioBelowAndAboveTwo_PercentOrFactor()
    {
        Assert.Multiple(() =>
        {
            Assert.That(VerdictExplanation.Change(new MetricComparison { Ratio = 0.42 }), Is.EqualTo("−58%"));
            Assert.That(VerdictExplanation.Change(new MetricComparison { Ratio = 7.72 }), Is.EqualTo("7.7×"));
            Assert.That(VerdictExplanation.Change(new MetricComparison { Ratio = 1.051 }), Is.EqualTo("+5.1%"));
        });
    }

    [Test]
    public void Rejudge_StricterThreshold_SmallEffectCalledAndHeadlineUpdated()
    {
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0, spread: 0.001), Policy("slightly", 1.01, spread: 0.001)));
        var rejudged = ComparisonReportBuilder.Rejudge(report, new PracticalThresholds { Relative = 0.005 });
        var before = report.Policies[1];
        var after = rejudged.Policies[1];
        Assert.Multiple(() =>
        {
            Assert.That(before.Metrics.Single(m => m.Metric == MetricCatalog.TeardownSeconds).Verdict, Is.EqualTo(Verdicts.Equivalent));
            Assert.That(after.Metrics.Single(m => m.Metric == MetricCatalog.TeardownSeconds).Verdict, Is.EqualTo(Verdicts.Worse));
            Assert.That(before.Explanation, Does.StartWith("no effect above the thresholds: "));
            Assert.That(after.Explanation, Does.Not.StartWith("no effect").And.Contain("+1%"));
            Assert.That(after.Explanation[after.Explanation.IndexOf(": ", StringComparison.Ordinal)..], Is.EqualTo(before.Explanation[before.Explanation.IndexOf(": ", StringComparison.Ordinal)..]));
        });
    }
}
