using NetnsPolicy.Cli.Terminal;
using NetnsPolicy.Tournaments;

namespace NetnsPolicy.Cli.Tournaments;

/// <summary>
/// What <c>tournament</c> prints and writes once it has a result, shared by an unsharded run and <c>tournament merge</c>
/// so the two give the same output: the ranking, the Markdown summary, gate lines, the files, the gate count, the exit code.
/// </summary>
internal static class TournamentOutput
{
    /// <summary>Prints and writes <paramref name="result"/>; returns <see cref="ExitCodes.GateFailed"/> when a gate failed.</summary>
    public static async Task<int> WriteAsync(CliConsole console, TournamentResult result, TournamentFiles files, TournamentOutputOptions options, CancellationToken cancellationToken)
    {
        await RankingView.WriteAsync(console, result).ConfigureAwait(false);
        if (options.Summary)
        {
            await console.Out.WriteLineAsync().ConfigureAwait(false);
            await console.Out.WriteLineAsync(files.Markdown).ConfigureAwait(false);
        }

        if (options.GateLines)
        {
            foreach (var line in GateLines.Format(result))
            {
                await console.Out.WriteLineAsync(line).ConfigureAwait(false);
            }
        }

        if (options.OutputDirectory is { } output)
        {
            foreach (var written in await TournamentArtifacts.WriteAsync(files, output, cancellationToken).ConfigureAwait(false))
            {
                await console.Error.WriteLineAsync("wrote " + written).ConfigureAwait(false);
            }
        }

        var failed = result.Gates.Count(g => g.Status == GateStatus.Fail);
        await console.Error.WriteLineAsync(failed == 0 ? $"gates: all {result.Gates.Count} passed or skipped" : $"gates: {failed} of {result.Gates.Count} FAILED").ConfigureAwait(false);
        return result.AnyGateFailed ? ExitCodes.GateFailed : ExitCodes.Ok;
    }
}
