using NetnsPolicy.Tournaments.Definition;

namespace NetnsPolicy.Tournaments.Scoring;

/// <summary>Ranks entries by their geometric-mean score over a set of tracks.</summary>
public static class Ranking
{
    /// <summary>
    /// One row per entry, ranked rows first by ascending score (ties by name), then the unranked: entries disqualified
    /// on any of the tracks, or without a score on one of them.
    /// </summary>
    public static IReadOnlyList<RankingRow> Build(Tournament tournament, IReadOnlyList<TrackResult> tracks)
    {
        var rows = new List<RankingRow>();
        foreach (var entry in tournament.Entries)
        {
            var scores = tracks.Select(t => t.Scores.FirstOrDefault(s => s.Entry == entry.Name)).ToArray();
            var disqualifiedOn = tracks.Where((t, i) => scores[i] is { Disqualified: true }).Select(t => t.Name).ToArray();
            var missing = tracks.Where((t, i) => scores[i]?.Score is null).Select(t => t.Name).ToArray();
            var row = new RankingRow
            {
                Entry = entry.Name,
                Policy = entry.PolicySpec,
                Parameters = entry.ParameterText,
                IsBaseline = entry.Name == tournament.Baseline,
                Disqualified = disqualifiedOn.Length > 0,
                Score = missing.Length == 0 && tracks.Count > 0 ? ScoreMath.Overall(scores.Select(s => s!.Score!.Value)) : null,
                Note = disqualifiedOn.Length > 0 ? "disqualified on " + string.Join(", ", disqualifiedOn)
                    : missing.Length > 0 ? "no score on " + string.Join(", ", missing)
                    : "",
            };
            rows.Add(row);
        }

        var ranked = rows.Where(r => r.Note.Length == 0).OrderBy(r => r.Score).ThenBy(r => r.Entry, StringComparer.Ordinal)
            .Select((r, i) => r with { Rank = i + 1 });
        var unranked = rows.Where(r => r.Note.Length > 0).OrderBy(r => r.Entry, StringComparer.Ordinal);
        return [.. ranked, .. unranked];
    }
}
