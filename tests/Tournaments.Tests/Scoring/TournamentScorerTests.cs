using NetnsPolicy.Tournaments.Scoring;

namespace NetnsPolicy.Tournaments.Tests.Scoring;

[TestFixture]
public sealed class TournamentScorerTests
{
    [Test]
    public void Score_KnownEffects_GeometricMeansAndRanking()
    {
        var t = Synthetic.Tournament(["upstream", "halves", "mixed"], ["a", "b"]);
        // halves: 0.5 on both tracks → 0.5; mixed: 0.25 on a and 4 on b → 1.0 (ties the baseline, loses on name order).
        var result = TournamentScorer.Score(t, Synthetic.Runs(t, (e, track) => e switch
        {
            "halves" => 0.5,
            "mixed" => track == "a" ? 0.25 : 4.0,
            _ => 1.0,
        }));
        var scores = result.Ranking.ToDictionary(r => r.Entry, r => r.Score!.Value);
        Assert.Multiple(() =>
        {
            Assert.That(scores["halves"], Is.EqualTo(0.5).Within(1e-4));
            Assert.That(scores["mixed"], Is.EqualTo(1.0).Within(1e-4));
            Assert.That(scores["upstream"], Is.EqualTo(1.0).Within(1e-12));
            Assert.That(result.Tracks.Single(x => x.Name == "a").Scores.Single(s => s.Entry == "mixed").Score, Is.EqualTo(0.25).Within(1e-4));
            Assert.That(result.Ranking.Select(r => r.Entry), Is.EqualTo(new[] { "halves", "mixed", "upstream" }).Or.EqualTo(new[] { "halves", "upstream", "mixed" }));
            Assert.That(result.Ranking.Select(r => r.Rank), Is.EqualTo(new int?[] { 1, 2, 3 }));
            Assert.That(result.Stability.Winner, Is.EqualTo("halves"));
        });
    }

    [Test]
    public void Score_HeldOutTrack_ExcludedFromRankingAndRankedSeparately()
    {
        var t = Synthetic.Tournament(["upstream", "good", "overfit"], ["seen", "unseen"], heldOut: ["unseen"]);
        var result = TournamentScorer.Score(t, Synthetic.Runs(t, (e, track) => (e, track) switch
        {
            ("good", _) => 0.8,
            ("overfit", "seen") => 0.5,
            ("overfit", "unseen") => 2.0,
            _ => 1.0,
        }));
        Assert.Multiple(() =>
        {
            Assert.That(result.Ranking[0].Entry, Is.EqualTo("overfit"));
            Assert.That(result.Ranking[0].Score, Is.EqualTo(0.5).Within(1e-4));
            Assert.That(result.HeldOutRanking.Select(r => r.Entry).First(), Is.EqualTo("good"));
            Assert.That(result.HeldOutRanking.Single(r => r.Entry == "overfit").Score, Is.EqualTo(2.0).Within(1e-4));
        });
    }

    [Test]
    public void Score_DisqualifiedEntry_UnrankedWithNote()
    {
        var t = Synthetic.Tournament(["upstream", "unsafe"], ["a"]);
        var runs = Synthetic.Runs(t, (e, _) => e == "unsafe" ? 0.1 : 1.0);
        var bad = runs[("a", "unsafe")].ToArray();
        bad[0] = bad[0] with { OracleViolations = [new("grace-period", 1, "net#1", "freed early")] };
        runs[("a", "unsafe")] = bad;
        var result = TournamentScorer.Score(t, runs);
        var row = result.Ranking.Single(r => r.Entry == "unsafe");
        Assert.Multiple(() =>
        {
            Assert.That(row.Rank, Is.Null);
            Assert.That(row.Disqualified, Is.True);
            Assert.That(row.Note, Is.EqualTo("disqualified on a"));
            Assert.That(result.Stability.Winner, Is.EqualTo("upstream"));
        });
    }

    [Test]
    public void Score_BaselineWithoutRuns_TrackUnscoredWithWarning()
    {
        var t = Synthetic.Tournament(["upstream", "x"], ["a"]);
        var runs = Synthetic.Runs(t, (_, _) => 1.0);
        runs.Remove(("a", "upstream"));
        var result = TournamentScorer.Score(t, runs, budgetExhausted: true);
        Assert.Multiple(() =>
        {
            Assert.That(result.Tracks[0].Report, Is.Null);
            Assert.That(result.Warnings, Has.Some.Contains("baseline has no runs"));
            Assert.That(result.Warnings, Has.Some.Contains("time budget"));
            Assert.That(result.Ranking.All(r => r.Rank is null), Is.True);
        });
    }

    [Test]
    public void Score_ClearWinner_StableUnderResampling()
    {
        var t = Synthetic.Tournament(["upstream", "fast", "medium"], ["a", "b"]);
        var result = TournamentScorer.Score(t, Synthetic.Runs(t, (e, _) => e switch { "fast" => 0.5, "medium" => 0.8, _ => 1.0 }, noise: 0.02));
        Assert.Multiple(() =>
        {
            Assert.That(result.Stability.Winner, Is.EqualTo("fast"));
            Assert.That(result.Stability.WinnerStability, Is.EqualTo(1.0));
            Assert.That(result.Stability.WinnerChangeRate, Is.Zero);
            Assert.That(result.Ranking[0].MeanRank, Is.EqualTo(1.0));
        });
    }

    [Test]
    public void Score_NearTie_WinnerChangesAboutHalfTheTime()
    {
        // Both average 0.7: "steady" always, "wobbly" alternating 0.6 / 0.8. Resampling moves only wobbly's mean,
        // symmetrically around steady's, so each wins about half of the resamples.
        var t = Synthetic.Tournament(["upstream", "steady", "wobbly"], ["a"], replications: 8);
        var runs = Synthetic.Runs(t, (_, _) => 1.0);
        runs[("a", "steady")] = Enumerable.Range(0, 8).Select(r => Synthetic.Run("steady", "a", r, 0.7)).ToArray();
        runs[("a", "wobbly")] = Enumerable.Range(0, 8).Select(r => Synthetic.Run("wobbly", "a", r, r % 2 == 0 ? 0.6 : 0.8)).ToArray();
        var result = TournamentScorer.Score(t, runs);
        var shares = result.Ranking.Where(r => r.Entry != "upstream").Select(r => r.WinShare).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(result.Stability.WinnerStability, Is.InRange(0.35, 0.65));
            Assert.That(result.Stability.WinnerChangeRate, Is.EqualTo(1 - result.Stability.WinnerStability).Within(1e-12));
            Assert.That(shares.Sum(), Is.EqualTo(1.0).Within(1e-9), "the baseline at 1.0 never beats two policies at 0.7");
        });
    }

    [Test]
    public void Score_SameRuns_SameStability()
    {
        var t = Synthetic.Tournament(["upstream", "left", "right"], ["a"], replications: 6);
        var runs = Synthetic.Runs(t, (e, _) => e == "upstream" ? 1.0 : 0.7, noise: 0.1);
        var first = TournamentScorer.Score(t, runs);
        var second = TournamentScorer.Score(t, runs);
        var otherSeed = TournamentScorer.Score(t with { StabilitySeed = 99 }, runs);
        Assert.Multiple(() =>
        {
            Assert.That(second.Stability, Is.EqualTo(first.Stability));
            Assert.That(otherSeed.Ranking.Select(r => r.WinShare), Is.Not.EqualTo(first.Ranking.Select(r => r.WinShare)));
        });
    }
}
