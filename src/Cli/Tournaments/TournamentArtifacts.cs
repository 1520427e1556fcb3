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
    public static Task<IReadOnlyList<string>> WriteAsync(TournamentResult result, string directory, CancellationToken cancellationToken) =>
        WriteAsync(TournamentFiles.Render(result), directory, cancellationToken);

    /// <summary>Writes already rendered files (as the service returns them) into <paramref name="directory"/>.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(TournamentFiles rendered, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var files = new (string Name, string Content)[]
        {
            (Html, rendered.Html),
            (Markdown, rendered.Markdown),
            (JUnit, rendered.JUnit),
            (Json, rendered.Json),
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
