using NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Cli.Commands;

/// <summary>Fetches a run's report from the service and writes its rendered artifacts.</summary>
internal static class ReportArtifacts
{
    /// <summary>Every format the service renders; <c>--out</c> writes them all.</summary>
    public static IReadOnlyList<ReportFormat> AllFormats { get; } = [ReportFormat.Markdown, ReportFormat.Html, ReportFormat.Json, ReportFormat.Csv];

    public static async Task<GetReportResponse> FetchAsync(RunService.RunServiceClient runs, string runId, bool all, CancellationToken cancellationToken)
    {
        var request = new GetReportRequest { RunId = runId };
        request.Formats.Add(all ? AllFormats : [ReportFormat.Markdown]);
        return await runs.GetReportAsync(request, deadline: DateTime.UtcNow.AddMinutes(2), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes each artifact under <paramref name="directory"/> by its file name; returns the paths written.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(GetReportResponse response, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var artifact in response.Artifacts)
        {
            // The name comes from the server: keep only its last segment so a remote server cannot write elsewhere.
            var path = Path.Combine(directory, Path.GetFileName(artifact.FileName));
            await File.WriteAllTextAsync(path, artifact.Content, cancellationToken).ConfigureAwait(false);
            written.Add(path);
        }

        return written;
    }

    public static string Markdown(GetReportResponse response) =>
        response.Artifacts.FirstOrDefault(a => a.Format == ReportFormat.Markdown)?.Content ?? "";
}
