using Grpc.Core;
using NetnsPolicy.Contracts.V1;
using RunKind = NetnsPolicy.Service.Runs.RunKind;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Api;

/// <summary>
/// RunService: thin translation between messages and the <see cref="RunCoordinator"/>; in a cluster, a run another
/// process holds while it is queued or running is answered by its grain on that silo (<see cref="IClusterFront"/>).
/// </summary>
internal sealed class RunApi(RunCoordinator runs, IClusterFront? front = null) : RunService.RunServiceBase
{
    private static readonly TimeSpan DefaultWatchInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MinWatchInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxWatchInterval = TimeSpan.FromSeconds(10);

    public override Task<Run> SubmitRun(SubmitRunRequest request, ServerCallContext context) =>
        Task.FromResult(RunMapping.ToMessage(runs.Submit(RunKind.Single, RunMapping.ToRequest(request), ClientIdentity.Of(context))));

    public override Task<Run> SubmitComparison(SubmitComparisonRequest request, ServerCallContext context) =>
        Task.FromResult(RunMapping.ToMessage(runs.Submit(RunKind.Comparison, RunMapping.ToRequest(request), ClientIdentity.Of(context))));

    public override async Task WatchRun(WatchRunRequest request, IServerStreamWriter<RunProgress> responseStream, ServerCallContext context)
    {
        CheckRunId(request.RunId);
        var errors = new List<FieldError>();
        if (RunMapping.ToDuration(request.MinInterval) is { } d && !RunPlanner.CheckDuration(d, "min_interval", TimeSpan.FromDays(1), errors))
        {
            throw new InputValidationException(errors);
        }

        var interval = request.MinInterval?.ToTimeSpan() is { } given && given >= MinWatchInterval
            ? (given > MaxWatchInterval ? MaxWatchInterval : given)
            : DefaultWatchInterval;
        if (Remote(request.RunId) is { } cluster)
        {
            await foreach (var message in cluster.WatchRunAsync(request.RunId, interval, context.CancellationToken).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(message, context.CancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await foreach (var progress in runs.Watch(request.RunId, interval, context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(RunMapping.ToMessage(progress), context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<Run> GetRun(GetRunRequest request, ServerCallContext context)
    {
        CheckRunId(request.RunId);
        return Remote(request.RunId) is { } cluster
            ? cluster.GetRunAsync(request.RunId, request.IncludeSimulations, request.IncludeResults, context.CancellationToken)
            : Task.FromResult(RunMapping.ToMessage(runs.Get(request.RunId, request.IncludeSimulations, request.IncludeResults)));
    }

    public override Task<ListRunsResponse> ListRuns(ListRunsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > 1000)
        {
            throw new InputValidationException("page_size", $"must be between 1 and 1000 (0 for 100), got {request.PageSize}");
        }

        if (request.PageToken.Length > 0 && !RunIds.IsWellFormed(request.PageToken))
        {
            throw new InputValidationException("page_token", "is not a token returned by ListRuns");
        }

        var (page, next) = runs.List(request.PageSize == 0 ? 100 : request.PageSize, request.PageToken.Length > 0 ? request.PageToken : null, RunMapping.ToStates(request.States));
        var response = new ListRunsResponse { NextPageToken = next };
        response.Runs.Add(page.Select(RunMapping.ToMessage));
        return Task.FromResult(response);
    }

    public override Task<Run> CancelRun(CancelRunRequest request, ServerCallContext context)
    {
        CheckRunId(request.RunId);
        return Remote(request.RunId) is { } cluster
            ? cluster.CancelRunAsync(request.RunId, ClientIdentity.Of(context), ClientIdentity.IsAdmin(context), context.CancellationToken)
            : Task.FromResult(RunMapping.ToMessage(runs.Cancel(request.RunId, ClientIdentity.Of(context), ClientIdentity.IsAdmin(context))));
    }

    public override Task<DeleteRunResponse> DeleteRun(DeleteRunRequest request, ServerCallContext context)
    {
        CheckRunId(request.RunId);
        var deleted = runs.Delete(request.RunId, ClientIdentity.Of(context), ClientIdentity.IsAdmin(context));
        return Task.FromResult(new DeleteRunResponse { RunId = request.RunId, ResultsDeleted = deleted });
    }

    public override Task<GetReportResponse> GetReport(GetReportRequest request, ServerCallContext context)
    {
        CheckRunId(request.RunId);
        for (var i = 0; i < request.Formats.Count; i++)
        {
            if (request.Formats[i] == ReportFormat.Unspecified || !Enum.IsDefined(request.Formats[i]))
            {
                throw new InputValidationException($"formats[{i}]", $"must be MARKDOWN, HTML, JSON or CSV, got {request.Formats[i]}");
            }
        }

        return Task.FromResult(Report(runs, request.RunId, request.Formats));
    }

    /// <summary>The report of a succeeded run with the artifacts asked for.</summary>
    internal static GetReportResponse Report(RunCoordinator runs, string runId, IEnumerable<ReportFormat> formats)
    {
        var (run, report) = runs.GetReport(runId);
        var response = new GetReportResponse { Run = RunMapping.ToMessage(run), Report = ReportMapping.ToProto(report) };
        response.Artifacts.Add(formats.Distinct().Select(f => ReportMapping.Render(report, f)));
        return response;
    }

    /// <summary>The cluster's face when another silo holds <paramref name="id"/> unfinished; null when this process answers (it runs it, or the store has its end).</summary>
    private IClusterFront? Remote(string id) => front is not null && runs.IsUnfinishedElsewhere(id) ? front : null;

    /// <summary>Refuses an empty or malformed run id before it reaches the store.</summary>
    internal static void CheckRunId(string id)
    {
        if (id.Length == 0)
        {
            throw new InputValidationException("run_id", "must be set");
        }

        if (!RunIds.IsWellFormed(id))
        {
            throw new InputValidationException("run_id", $"'{(id.Length > 64 ? id[..64] + "…" : id)}' is not a run id (26 characters of Crockford base 32)");
        }
    }
}
