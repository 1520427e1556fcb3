using NetnsPolicy.Reports;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Gates;
using NetnsPolicy.Tournaments.Scoring;

namespace NetnsPolicy.Tournaments.Tests.Gates;

[TestFixture]
public sealed class GateEvaluatorTests
{
    private static readonly GateSpec P99Within5 = new("p99", GateKinds.MaxRegression, MetricCatalog.CreationLatencyP99, 5, false, null, null);

    private static TournamentResult Run(double factor, GateSpec gate, string[]? tracks = null)
    {
        var t = Synthetic.Tournament(["upstream", "candidate"], tracks ?? ["a"], replications: 5, gates: [gate]);
        return TournamentScorer.Score(t, Synthetic.Runs(t, (e, _) => e == "candidate" ? factor : 1.0));
    }

    [Test]
    public void MaxRegression_SixPercentWorseWithFivePercentLimit_Fails()
    {
        var result = Run(1.06, P99Within5);
        Assert.Multiple(() =>
        {
            Assert.That(result.Gates.Single().Status, Is.EqualTo(GateStatus.Fail));
            Assert.That(result.Gates.Single().Message, Does.Contain("worse by 6.000%"));
            Assert.That(result.AnyGateFailed, Is.True);
        });
    }

    [Test]
    public void MaxRegression_FourPercentWorse_Passes()
    {
        var result = Run(1.04, P99Within5);
        Assert.Multiple(() =>
        {
            Assert.That(result.Gates.Single().Status, Is.EqualTo(GateStatus.Pass));
            Assert.That(result.AnyGateFailed, Is.False);
        });
    }

    [Test]
    public void MaxRegression_HigherIsBetterMetricDropped_Fails()
    {
        // Throughput is 500/f: f = 1.25 → 20% lower throughput.
        var gate = P99Within5 with { Metric = MetricCatalog.Throughput, MaxPercent = 10 };
        Assert.That(Run(1.25, gate).Gates.Single().Status, Is.EqualTo(GateStatus.Fail));
    }

    [Test]
    public void MaxRegression_HigherIsBetterMetricRaised_Passes()
    {
        var gate = P99Within5 with { Metric = MetricCatalog.Throughput, MaxPercent = 10 };
        Assert.That(Run(0.5, gate).Gates.Single().Status, Is.EqualTo(GateStatus.Pass));
    }

    [Test]
    public void MaxRegression_RequireSignificanceWithoutSignificantDifference_Passes()
    {
        // Three varying replications cannot reach p < 0.05, so a significance-gated regression never fails there.
        var t = Synthetic.Tournament(["upstream", "candidate"], ["a"], replications: 3, gates: [P99Within5 with { RequireSignificance = true }]);
        var result = TournamentScorer.Score(t, Synthetic.Runs(t, (e, _) => e == "candidate" ? 1.5 : 1.0, noise: 0.05));
        Assert.That(result.Gates.Single().Status, Is.EqualTo(GateStatus.Pass));
    }

    [Test]
    public void MaxRegression_RequireSignificanceIdenticalReplications_FailsWithoutTest()
    {
        // Identical replications are one deterministic observation: a 50% regression needs no test to be called worse.
        var t = Synthetic.Tournament(["upstream", "candidate"], ["a"], replications: 3, gates: [P99Within5 with { RequireSignificance = true }]);
        var result = TournamentScorer.Score(t, Synthetic.Runs(t, (e, _) => e == "candidate" ? 1.5 : 1.0));
        Assert.Multiple(() =>
        {
            Assert.That(result.Gates.Single().Status, Is.EqualTo(GateStatus.Fail));
            Assert.That(result.Gates.Single().Message, Does.Contain("worse"));
        });
    }

    [Test]
    public void MaxRegression_EveryTrack_OneOutcomePerEntryAndTrack()
    {
        var result = Run(1.0, P99Within5, ["a", "b", "c"]);
        Assert.That(result.Gates.Select(g => g.Track), Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void MaxRegression_TrackFilter_OnlyNamedTracks()
    {
        var result = Run(1.0, P99Within5 with { Tracks = ["b"] }, ["a", "b"]);
        Assert.That(result.Gates.Select(g => g.Track), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public void NoDisqualified_OracleViolation_FailsAndCoversBaseline()
    {
        var gate = new GateSpec("no-dq", GateKinds.NoDisqualified, null, 0, false, null, null);
        var t = Synthetic.Tournament(["upstream", "unsafe"], ["a"], gates: [gate]);
        var runs = Synthetic.Runs(t, (_, _) => 1.0);
        var bad = runs[("a", "unsafe")].ToArray();
        bad[3] = bad[3] with { Status = "stalled" };
        runs[("a", "unsafe")] = bad;
        var result = TournamentScorer.Score(t, runs);
        Assert.Multiple(() =>
        {
            Assert.That(result.Gates.Select(g => (g.Entry, g.Status)), Is.EqualTo(new[] { ("upstream", GateStatus.Pass), ("unsafe", GateStatus.Fail) }));
            Assert.That(result.Gates[1].Message, Does.Contain("status stalled"));
        });
    }

    [Test]
    public void MustAct_NeverChangedADecision_Fails()
    {
        var gate = new GateSpec("acts", GateKinds.MustAct, null, 0, false, null, null);
        var t = Synthetic.Tournament(["upstream", "idle", "busy"], ["a"], gates: [gate]);
        var runs = Synthetic.Runs(t, (e, _) => e == "busy" ? 0.9 : 1.0);
        runs[("a", "idle")] = runs[("a", "idle")].Select(r => r with { Decisions = new Dictionary<string, Simulation.Metrics.DecisionCount> { ["batch_admission"] = new(10, 0) } }).ToArray();
        var result = TournamentScorer.Score(t, runs);
        Assert.That(result.Gates.Select(g => (g.Entry, g.Status)), Is.EqualTo(new[] { ("idle", GateStatus.Fail), ("busy", GateStatus.Pass) }));
    }

    [Test]
    public void Evaluate_EntryWithoutRuns_Skipped()
    {
        var t = Synthetic.Tournament(["upstream", "late"], ["a"], gates: [P99Within5]);
        var runs = Synthetic.Runs(t, (_, _) => 1.0);
        runs.Remove(("a", "late"));
        var result = TournamentScorer.Score(t, runs, budgetExhausted: true);
        Assert.Multiple(() =>
        {
            Assert.That(result.Gates.Single().Status, Is.EqualTo(GateStatus.Skipped));
            Assert.That(result.AnyGateFailed, Is.False);
        });
    }

    [TestCase(110, 100, true, 10)]
    [TestCase(90, 100, true, -10)]
    [TestCase(90, 100, false, 10)]
    [TestCase(0, 0, true, 0)]
    public void RegressionPercent_Directions(double mean, double baseline, bool lowerIsBetter, double expected) =>
        Assert.That(GateEvaluator.RegressionPercent(mean, baseline, lowerIsBetter), Is.EqualTo(expected).Within(1e-9));

    [Test]
    public void RegressionPercent_ZeroBaselineAndWorse_Infinite() =>
        Assert.That(GateEvaluator.RegressionPercent(3, 0, lowerIsBetter: true), Is.EqualTo(double.PositiveInfinity));
}
