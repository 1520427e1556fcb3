using NetnsPolicy.Tournaments;

namespace NetnsPolicy.Cli.Tournaments;

/// <summary>The files a tournament writes to <c>--out</c>, and reads back for <c>report</c>.</summary>
internal static class TournamentArtifacts
{
    public const string Html = "report.html";
    public const string Markdown = "summary.md";
    public const string JUnit = "junit.xml";
    public const string Json = "tournament.json";

    /// <summary>Writes every format into <paramref name="directory"/>; returns the paths written.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(TournamentResult result, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var files = new (string Name, string Content)[]
        {
            (Html, TournamentRenderer.ToHtml(result)),
            (Markdown, TournamentRenderer.ToMarkdown(result)),
            (JUnit, TournamentRenderer.ToJUnit(result)),
            (Json, TournamentRenderer.ToJson(result)),
        };
        var written = new List<string>();
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(directory, name);
            await File.WriteAllTextAsync(path, content, cancellationToken).ConfigureAwait(false);
            written.Add(path);
        }

        return written;
    }
}
