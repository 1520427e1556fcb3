using NetnsPolicy.Reports.Rendering;
using NetnsPolicy.Tournaments.Rendering;

namespace NetnsPolicy.Tournaments;

/// <summary>Renders a <see cref="TournamentResult"/>. Same result → same bytes, in every format.</summary>
public static class TournamentRenderer
{
    /// <summary>The summary for a CI job: ranking, stability, held-out ranking, gates, each track's compact table.</summary>
    public static string ToMarkdown(TournamentResult result) => TournamentMarkdown.Write(result);

    /// <summary>JUnit XML: one test case per gate × policy entry × track.</summary>
    public static string ToJUnit(TournamentResult result) => TournamentJUnit.Write(result);

    /// <summary>The versioned JSON document, including every track's full comparison report.</summary>
    public static string ToJson(TournamentResult result) => ReportJson.Serialize(result);

    /// <summary>Reads a result written by <see cref="ToJson"/>.</summary>
    public static TournamentResult FromJson(string json)
    {
        var result = ReportJson.Deserialize<TournamentResult>(json);
        if (result.SchemaVersion != TournamentResult.CurrentSchemaVersion)
        {
            throw new NotSupportedException($"tournament schema version {result.SchemaVersion} is not supported (this build reads {TournamentResult.CurrentSchemaVersion})");
        }

        return result;
    }

    /// <summary>A self-contained HTML page with plots, including every track's report.</summary>
    public static string ToHtml(TournamentResult result) => TournamentHtml.Write(result);
}
