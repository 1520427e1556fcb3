using System.CommandLine;
using System.Text.Json;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Cli.Tournaments;
using NetnsPolicy.Reports;
using NetnsPolicy.Simulation;
using NetnsPolicy.Tournaments;

namespace NetnsPolicy.Cli.Commands;

/// <summary>
/// <c>report &lt;run-id | file.json&gt; [--out DIR] [--format markdown|json|none]</c>: re-renders a stored report, either a
/// comparison kept by the service (by run id) or a report/tournament JSON file written earlier with <c>--out</c>.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var connection = new ConnectionOptions();
        var target = new Argument<string>("run-or-file") { Description = "A run id (a comparison the service stored; use the same --data or --server), or a report.json / tournament.json file." };
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder to write every format to (Markdown, HTML, JSON, CSV; JUnit too for a tournament)." };
        var format = OutputFormat.Create("markdown", "json", "none");
        var cmd = new Command("report", "Re-render a stored comparison report (by run id) or a report/tournament JSON file.") { target, outDir, format };
        connection.AddTo(cmd);
        CliAction.Set(cmd, async (parse, console, ct) =>
        {
            var value = parse.GetValue(target)!;
            var output = parse.GetValue(outDir);
            var chosen = parse.GetValue(format)!;
            if (!File.Exists(value))
            {
                await using var service = await ServiceConnection.OpenAsync(connection.Read(parse), ct).ConfigureAwait(false);
                var response = await ReportArtifacts.FetchAsync(service.Runs, value, all: output is not null, ct).ConfigureAwait(false);
                return await ReportOutput.WriteAsync(console, response, chosen, output, ct).ConfigureAwait(false);
            }

            var json = await File.ReadAllTextAsync(value, ct).ConfigureAwait(false);
            if (IsTournament(json, value))
            {
                var result = TournamentRenderer.FromJson(json);
                await PrintAsync(console.Out, chosen, () => TournamentRenderer.ToMarkdown(result), json).ConfigureAwait(false);
                if (output is not null)
                {
                    foreach (var path in await TournamentArtifacts.WriteAsync(result, output, ct).ConfigureAwait(false))
                    {
                        await console.Error.WriteLineAsync("wrote " + path).ConfigureAwait(false);
                    }
                }

                return result.AnyGateFailed ? ExitCodes.GateFailed : ExitCodes.Ok;
            }

            var report = ReadReport(json, value);
            await PrintAsync(console.Out, chosen, () => ReportRenderer.ToMarkdown(report), json).ConfigureAwait(false);
            if (output is not null)
            {
                Directory.CreateDirectory(output);
                var files = new (string Name, string Content)[]
                {
                    ("report.md", ReportRenderer.ToMarkdown(report)),
                    ("report.html", ReportRenderer.ToHtml(report)),
                    ("report.json", ReportRenderer.ToJson(report)),
                    ("report.csv", ReportRenderer.ToCsv(report)),
                };
                foreach (var (name, content) in files)
                {
                    var path = Path.Combine(output, name);
                    await File.WriteAllTextAsync(path, content, ct).ConfigureAwait(false);
                    await console.Error.WriteLineAsync("wrote " + path).ConfigureAwait(false);
                }
            }

            return report.Policies.Any(p => p.Disqualified) ? ExitCodes.RunFailed : ExitCodes.Ok;
        });
        return cmd;
    }

    private static async Task PrintAsync(TextWriter output, string format, Func<string> markdown, string json)
    {
        if (format == "markdown")
        {
            await output.WriteLineAsync(markdown()).ConfigureAwait(false);
        }
        else if (format == "json")
        {
            await output.WriteLineAsync(json).ConfigureAwait(false);
        }
    }

    /// <summary>A tournament document has ranking and tracks; a comparison report has neither.</summary>
    private static bool IsTournament(string json, string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("tracks", out _) && doc.RootElement.TryGetProperty("ranking", out _);
        }
        catch (JsonException e)
        {
            throw new InputValidationException("run-or-file", $"'{file}' is not JSON: {e.Message}");
        }
    }

    private static ComparisonReport ReadReport(string json, string file)
    {
        try
        {
            return ReportRenderer.FromJson(json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new InputValidationException("run-or-file", $"'{file}' is neither a comparison report nor a tournament result: {e.Message}");
        }
    }
}
