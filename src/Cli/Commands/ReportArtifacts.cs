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

    /// <summary>The report's JSON artifact (the report schema of docs/reports.md).</summary>
    public static string Json(GetReportResponse response) =>
        response.Artifacts.FirstOrDefault(a => a.Format == ReportFormat.Json)?.Content ?? "";

    /// <summary>
    /// The response with every artifact rendered here from its JSON report judged against <paramref name="thresholds"/>
    /// (<see cref="Reports.ComparisonReportBuilder.Rejudge"/>): the service's samples, this invocation's thresholds.
    /// </summary>
    public static GetReportResponse Rejudged(GetReportResponse response, Reports.PracticalThresholds thresholds)
    {
        var report = Reports.ComparisonReportBuilder.Rejudge(Reports.ReportRenderer.FromJson(Json(response)), thresholds);
        var rejudged = response.Clone();
        foreach (var artifact in rejudged.Artifacts)
        {
            artifact.Content = artifact.Format switch
            {
                ReportFormat.Markdown => Reports.ReportRenderer.ToMarkdown(report),
                ReportFormat.Html => Reports.ReportRenderer.ToHtml(report),
                ReportFormat.Json => Reports.ReportRenderer.ToJson(report),
                ReportFormat.Csv => Reports.ReportRenderer.ToCsv(report),
                _ => artifact.Content,
            };
        }

        return rejudged;
    }
}
