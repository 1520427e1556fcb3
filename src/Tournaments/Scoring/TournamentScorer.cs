using NetnsPolicy.Reports;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Gates;

namespace NetnsPolicy.Tournaments.Scoring;

/// <summary>Turns the finished runs of a tournament into its result: reports, scores, rankings, stability and gates.</summary>
public static class TournamentScorer
{
    /// <param name="tournament">The tournament.</param>
    /// <param name="runs">Finished runs by (track name, entry name); missing cells had no run.</param>
    /// <param name="budgetExhausted">Whether the time budget cut the tournament short.</param>
    public static TournamentResult Score(Tournament tournament, IReadOnlyDictionary<(string Track, string Entry), IReadOnlyList<RunResult>> runs, bool budgetExhausted = false) =>
        Score(tournament, runs, budgetExhausted, scoredTracks: null);

    /// <summary>
    /// One track's report and scores: what <c>Score</c> computes for it from the same runs, so a runner can score a track
    /// whose runs have all finished while the others' still run. Depends on nothing but this track's runs (in any order:
    /// each cell's are taken by replication).
    /// </summary>
    internal static TrackResult ScoreTrack(Tournament tournament, Track track, Func<PolicyEntry, IReadOnlyList<RunResult>> runsOf) =>
        ScoreTrack(tournament, track, tournament.Metrics.Select(id => MetricCatalog.Find(id)!).ToArray(), e => runsOf(e).OrderBy(x => x.Replication).ToArray());

    /// <param name="tournament">The tournament.</param>
    /// <param name="runs">Finished runs by (track name, entry name); missing cells had no run.</param>
    /// <param name="budgetExhausted">Whether the time budget cut the tournament short.</param>
    /// <param name="scoredTracks">Per track (in file order), its <c>ScoreTrack</c> result if already computed from these
    /// runs, else null.</param>
    internal static TournamentResult Score(
        Tournament tournament,
        IReadOnlyDictionary<(string Track, string Entry), IReadOnlyList<RunResult>> runs,
        bool budgetExhausted,
        IReadOnlyList<TrackResult?>? scoredTracks)
    {
        ArgumentNullException.ThrowIfNull(tournament);
        ArgumentNullException.ThrowIfNull(runs);
        var metrics = tournament.Metrics.Select(id => MetricCatalog.Find(id)!).ToArray();
        IReadOnlyList<RunResult> RunsOf(Track t, PolicyEntry e) =>
            runs.TryGetValue((t.Name, e.Name), out var r) ? r.OrderBy(x => x.Replication).ToArray() : [];

        var tracks = tournament.Tracks.Select((t, i) => scoredTracks?[i] ?? ScoreTrack(tournament, t, metrics, e => RunsOf(t, e))).ToArray();
        var warnings = tracks.Where(t => t.Report is null).Select(t => $"track {t.Name}: the baseline has no runs, so nothing there is scored").ToList();
        var scored = tracks.Where(t => !t.HeldOut).ToArray();
        var heldOut = tracks.Where(t => t.HeldOut).ToArray();
        var ranking = Ranking.Build(tournament, scored);
        var eligible = ranking.Where(r => r.Rank is not null).Select(r => r.Entry).ToArray();
        var stabilityTracks = tournament.Tracks.Where(t => !t.HeldOut)
            .Select(t => (IReadOnlyDictionary<string, IReadOnlyList<RunResult>>)tournament.Entries.ToDictionary(e => e.Name, e => RunsOf(t, e)))
            .ToArray();
        var outcome = StabilityAnalysis.Compute(eligible, tournament.Baseline, stabilityTracks, metrics, eligible.Length > 0 ? tournament.StabilityResamples : 0, tournament.StabilitySeed);
        ranking = ranking.Select(r => r with
        {
            WinShare = outcome.WinShare.GetValueOrDefault(r.Entry),
            MeanRank = outcome.MeanRank.GetValueOrDefault(r.Entry),
            WorseThanBaseline = WorseOn(r.Entry, scored, tournament.Metrics),
        }).ToArray();
        var winner = ranking.FirstOrDefault(r => r.Rank == 1)?.Entry;
        var winnerStability = winner is null ? 0 : tournament.StabilityResamples == 0 ? 1 : outcome.WinShare[winner];
        var gates = GateEvaluator.Evaluate(tournament, tracks);
        if (budgetExhausted)
        {
            warnings.Insert(0, "the time budget ran out before every planned run started: scores rest on fewer replications");
        }

        return new TournamentResult
        {
            Name = tournament.Name,
            Description = tournament.Description,
            Baseline = tournament.Baseline,
            Entries = tournament.Entries.Select(e => e.Name).ToArray(),
            Metrics = tournament.Metrics,
            RunsPlanned = tournament.Tracks.Count * tournament.Entries.Count * tournament.Replications,
            RunsCompleted = runs.Values.Sum(r => r.Count),
            BudgetExhausted = budgetExhausted,
            Tracks = tracks,
            Ranking = ranking,
            HeldOutRanking = heldOut.Length == 0 ? [] : Ranking.Build(tournament, heldOut).Select(r => r with { WorseThanBaseline = WorseOn(r.Entry, heldOut, tournament.Metrics) }).ToArray(),
            TrackWinners = tracks.Select(Winner).ToArray(),
            Stability = new RankStability
            {
                Resamples = tournament.StabilityResamples,
                Seed = tournament.StabilitySeed,
                Winner = winner,
                WinnerStability = winnerStability,
                WinnerChangeRate = winner is null ? 0 : 1 - winnerStability,
            },
            Gates = gates,
            AnyGateFailed = gates.Any(g => g.Status == GateStatus.Fail),
            Warnings = warnings,
        };
    }

    /// <summary>The track's result; without the baseline's runs, one without a report (<c>Score</c> warns of it).</summary>
    private static TrackResult ScoreTrack(Tournament tournament, Track track, IReadOnlyList<MetricDefinition> metrics, Func<PolicyEntry, IReadOnlyList<RunResult>> runsOf)
    {
        var result = new TrackResult { Name = track.Name, Workload = track.Workload, KernelProfile = track.KernelProfile, HeldOut = track.HeldOut, Seed = track.Seed };
        var withRuns = tournament.Entries.Where(e => runsOf(e).Count > 0).ToArray();
        if (withRuns.All(e => e.Name != tournament.Baseline))
        {
            return result;
        }

        var report = ComparisonReportBuilder.Build(new ComparisonInput(
            track.Workload,
            track.KernelProfile,
            tournament.Baseline,
            withRuns.Select(e => new PolicyRuns(e.Name, e.ParameterText, "", runsOf(e))).ToArray())
        {
            Thresholds = tournament.Thresholds,
            FullSeries = tournament.FullSeries,
        });
        var baseline = report.Policies.Single(p => p.IsBaseline);
        var scores = report.Policies.Select(p =>
        {
            var ratios = metrics.ToDictionary(
                m => m.Id,
                m => ScoreMath.NormalizedRatio(Mean(p, m.Id), Mean(baseline, m.Id), m));
            return new TrackScore
            {
                Entry = p.Policy,
                Runs = p.Runs,
                Disqualified = p.Disqualified,
                Score = Reports.Statistics.GeometricMean.Of(ratios.Values),
                MetricRatios = ratios,
            };
        }).ToArray();
        return result with { Report = report, Scores = scores };
    }

    private static string[] WorseOn(string entry, IReadOnlyList<TrackResult> tracks, IReadOnlyList<string> metrics) =>
        tracks.SelectMany(t => (t.Report?.Policies.FirstOrDefault(p => p.Policy == entry)?.Metrics ?? [])
                .Where(m => m.Verdict == Verdicts.Worse && metrics.Contains(m.Metric))
                .Select(m => $"{t.Name}: {m.Metric} ({VerdictExplanation.Change(m)})"))
            .ToArray();

    private static TrackWinner Winner(TrackResult track)
    {
        var best = track.Scores.Where(s => !s.Disqualified && s.Score is not null).OrderBy(s => s.Score).ThenBy(s => s.Entry, StringComparer.Ordinal).FirstOrDefault();
        return new TrackWinner
        {
            Track = track.Name,
            HeldOut = track.HeldOut,
            Entry = best?.Entry,
            Score = best?.Score,
            Explanation = best is null ? "" : track.Report?.Policies.FirstOrDefault(p => p.Policy == best.Entry)?.Explanation ?? "",
            ParetoFront = track.Report?.ParetoFront ?? [],
        };
    }

    private static double Mean(PolicySummary p, string metric) => p.Metrics.Single(m => m.Metric == metric).Mean;
}
