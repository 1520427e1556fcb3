using Google.Protobuf;
using NetnsPolicy.Cli.Terminal;
using NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Cli.Commands;

/// <summary>Prints a comparison report and writes its artifacts: shared by <c>compare</c> and <c>report</c>.</summary>
internal static class ReportOutput
{
    /// <summary>
    /// Prints the report in <paramref name="format"/>, writes the artifacts to <paramref name="directory"/> when given,
    /// and returns <see cref="ExitCodes.RunFailed"/> when a contender was disqualified (a policy fault, OOM, stall or
    /// oracle violation), <see cref="ExitCodes.Ok"/> otherwise.
    /// </summary>
    public static async Task<int> WriteAsync(CliConsole console, GetReportResponse response, string format, string? directory, CancellationToken cancellationToken)
    {
        switch (format)
        {
            case "markdown":
                await console.Out.WriteLineAsync(ReportArtifacts.Markdown(response)).ConfigureAwait(false);
                break;
            case "json":
                await console.Out.WriteLineAsync(JsonFormatter.Default.Format(response.Report)).ConfigureAwait(false);
                break;
        }

        if (directory is not null)
        {
            foreach (var path in await ReportArtifacts.WriteAsync(response, directory, cancellationToken).ConfigureAwait(false))
            {
                await console.Error.WriteLineAsync("wrote " + path).ConfigureAwait(false);
            }
        }

        var disqualified = response.Report.Policies.Where(p => p.Disqualified).ToList();
        foreach (var p in disqualified)
        {
            await console.Error.WriteLineAsync($"disqualified: {p.Policy}: {string.Join("; ", p.Problems)}").ConfigureAwait(false);
        }

        await console.Error.WriteLineAsync($"run {response.Run.Id}").ConfigureAwait(false);
        return disqualified.Count > 0 ? ExitCodes.RunFailed : ExitCodes.Ok;
    }
}
