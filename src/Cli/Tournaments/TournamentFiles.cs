using NetnsPolicy.Tournaments;

namespace NetnsPolicy.Cli.Tournaments;

/// <summary>A tournament's result rendered in every format a tournament writes.</summary>
internal sealed record TournamentFiles(string Html, string Markdown, string JUnit, string Json)
{
    /// <summary>Renders <paramref name="result"/> in every format, as the service does.</summary>
    public static TournamentFiles Render(TournamentResult result) =>
        new(TournamentRenderer.ToHtml(result), TournamentRenderer.ToMarkdown(result), TournamentRenderer.ToJUnit(result), TournamentRenderer.ToJson(result));
}
