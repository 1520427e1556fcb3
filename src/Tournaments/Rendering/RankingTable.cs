using System.Globalization;
using NetnsPolicy.Reports.Rendering;

namespace NetnsPolicy.Tournaments.Rendering;

/// <summary>A ranking as plain text cells, shared by the Markdown and HTML writers.</summary>
/// <param name="Header">Column titles.</param>
/// <param name="Rows">Per ranking row: its cells, whether it is the baseline, whether it is disqualified.</param>
internal sealed record RankingTable(IReadOnlyList<string> Header, IReadOnlyList<(string[] Cells, bool IsBaseline, bool Disqualified)> Rows)
{
    /// <summary>Lines naming each track's winner (with its explanation) and Pareto front, and flagging an overall winner worse than the baseline somewhere.</summary>
    public static IReadOnlyList<string> WinnerLines(TournamentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lines = result.TrackWinners.Select(w => w.Entry is null
            ? $"Track {w.Track}{(w.HeldOut ? " (held out)" : "")}: no winner (no entry scored)."
            : $"Track {w.Track}{(w.HeldOut ? " (held out)" : "")}: winner {w.Entry} ({Format.Ratio(w.Score ?? double.NaN)}) — {w.Explanation}; Pareto front: {(w.ParetoFront.Count == 0 ? "none" : string.Join(", ", w.ParetoFront))}.").ToList();
        var winner = result.Ranking.FirstOrDefault(r => r.Rank == 1);
        if (winner is { WorseThanBaseline.Count: > 0 })
        {
            lines.Add($"⚠️ The overall winner {winner.Entry} is worse than the baseline on a scored metric: {string.Join("; ", winner.WorseThanBaseline)}.");
        }

        return lines;
    }

    public static RankingTable Build(IReadOnlyList<RankingRow> rows, IReadOnlyList<TrackResult> tracks, bool withStability)
    {
        var c = CultureInfo.InvariantCulture;
        var header = new List<string> { "Rank", "Policy", "Score" };
        header.AddRange(tracks.Select(t => t.Name));
        if (withStability)
        {
            header.AddRange(["Wins", "Mean rank"]);
        }

        header.Add("Note");
        var cells = rows.Select(r =>
        {
            var line = new List<string> { r.Rank?.ToString(c) ?? "–", r.Entry + (r.IsBaseline ? " (baseline)" : ""), r.Score is { } s ? Format.Ratio(s) : "–" };
            foreach (var t in tracks)
            {
                var score = t.Scores.FirstOrDefault(x => x.Entry == r.Entry);
                line.Add((score?.Score is { } ts ? Format.Ratio(ts) : "–") + (score is { Disqualified: true } ? " DQ" : ""));
            }

            if (withStability)
            {
                line.Add(r.Rank is null ? "–" : Format.Percent(r.WinShare * 100));
                line.Add(r.Rank is null ? "–" : r.MeanRank.ToString("F2", c));
            }

            line.Add(r.NoteWithFlags());
            return (line.ToArray(), r.IsBaseline, r.Disqualified);
        }).ToArray();
        return new RankingTable(header, cells);
    }
}
