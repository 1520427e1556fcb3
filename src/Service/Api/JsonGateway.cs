using Google.Protobuf;
using TypeRegistry = Google.Protobuf.Reflection.TypeRegistry;
using Grpc.Core;
using NetnsPolicy.Contracts.V1;
using RunKind = NetnsPolicy.Service.Runs.RunKind;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using NetnsPolicy.PluginHost;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Tournaments;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Api;

/// <summary>
/// Plain HTTP/JSON access for curl and scripts (docs/service.md), beside gRPC-Web on the HTTP/1.1 port. Bodies and
/// answers are the API's messages in the protobuf JSON mapping; errors are google.rpc.Status JSON with the HTTP status
/// gRPC maps the code to. Every route goes through the same coordinator and mappings as the gRPC service.
/// </summary>
internal static class JsonGateway
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default
        .WithTypeRegistry(TypeRegistry.FromMessages(Google.Rpc.BadRequest.Descriptor, Google.Rpc.QuotaFailure.Descriptor,
            Google.Rpc.ResourceInfo.Descriptor, Google.Rpc.PreconditionFailure.Descriptor)));

    private static readonly Dictionary<string, ReportFormat> Artifacts = new(StringComparer.Ordinal)
    {
        ["md"] = ReportFormat.Markdown,
        ["html"] = ReportFormat.Html,
        ["json"] = ReportFormat.Json,
        ["csv"] = ReportFormat.Csv,
    };

    public static void MapJsonGateway(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/policies", (IPolicyCatalog catalog) => Answer(() => CatalogApi.Policies(catalog)));
        v1.MapGet("/kernel-profiles", () => Answer(CatalogApi.Profiles));
        v1.MapPost("/runs", async (HttpRequest http, RunCoordinator runs, IOptions<ServiceOptions> options) =>
        {
            var body = await ReadAsync<SubmitRunRequest>(http, options.Value.MaxMessageBytes).ConfigureAwait(false);
            return Answer(() => RunMapping.ToMessage(runs.Submit(RunKind.Single, RunMapping.ToRequest(body.Message ?? throw body.Error!), ClientIdentity.Of(http.HttpContext))));
        });
        v1.MapPost("/comparisons", async (HttpRequest http, RunCoordinator runs, IOptions<ServiceOptions> options) =>
        {
            var body = await ReadAsync<SubmitComparisonRequest>(http, options.Value.MaxMessageBytes).ConfigureAwait(false);
            return Answer(() => RunMapping.ToMessage(runs.Submit(RunKind.Comparison, RunMapping.ToRequest(body.Message ?? throw body.Error!), ClientIdentity.Of(http.HttpContext))));
        });
        v1.MapGet("/runs", (RunCoordinator runs, string? page_size, string? page_token) => Answer(() =>
        {
            var size = PageSize(page_size);

            if (!string.IsNullOrEmpty(page_token) && !RunIds.IsWellFormed(page_token))
            {
                throw new InputValidationException("page_token", "is not a token returned by ListRuns");
            }

            var (page, next) = runs.List(size, string.IsNullOrEmpty(page_token) ? null : page_token, []);
            var response = new ListRunsResponse { NextPageToken = next };
            response.Runs.Add(page.Select(RunMapping.ToMessage));
            return response;
        }));
        v1.MapGet("/tournaments", (TournamentCoordinator tournaments, string? page_size, string? page_token) => Answer(() =>
        {
            var size = PageSize(page_size);
            if (!string.IsNullOrEmpty(page_token) && !RunIds.IsWellFormed(page_token))
            {
                throw new InputValidationException("page_token", "is not a token returned by ListTournaments");
            }

            var (page, next) = tournaments.List(size, string.IsNullOrEmpty(page_token) ? null : page_token);
            var response = new ListTournamentsResponse { NextPageToken = next };
            response.Tournaments.Add(page.Select(TournamentMapping.ToMessage));
            return response;
        }));
        v1.MapGet("/tournaments/{id}", (string id, TournamentCoordinator tournaments) => Answer(() =>
        {
            if (!RunIds.IsWellFormed(id))
            {
                throw new InputValidationException("tournament_id", "is not a tournament id (26 characters of Crockford base 32)");
            }

            return TournamentMapping.ToMessage(tournaments.Get(id));
        }));
        v1.MapGet("/runs/{id}", (string id, RunCoordinator runs) => Answer(() =>
        {
            RunApi.CheckRunId(id);
            return RunMapping.ToMessage(runs.Get(id, includeSimulations: true, includeResults: false));
        }));
        v1.MapPost("/runs/{id}/cancel", (string id, HttpContext http, RunCoordinator runs) => Answer(() =>
        {
            RunApi.CheckRunId(id);
            return RunMapping.ToMessage(runs.Cancel(id, ClientIdentity.Of(http), ClientIdentity.IsAdmin(http)));
        }));
        v1.MapDelete("/runs/{id}", (string id, HttpContext http, RunCoordinator runs) => Answer(() =>
        {
            RunApi.CheckRunId(id);
            var deleted = runs.Delete(id, ClientIdentity.Of(http), ClientIdentity.IsAdmin(http));
            return new DeleteRunResponse { RunId = id, ResultsDeleted = deleted };
        }));
        v1.MapGet("/runs/{id}/report", (string id, RunCoordinator runs) => Answer(() =>
        {
            RunApi.CheckRunId(id);
            return RunApi.Report(runs, id, []);
        }));
        v1.MapGet("/runs/{id}/report.{format}", (string id, string format, RunCoordinator runs) =>
        {
            try
            {
                RunApi.CheckRunId(id);
                if (!Artifacts.TryGetValue(format, out var f))
                {
                    throw new InputValidationException("format", $"must be one of {string.Join(", ", Artifacts.Keys)}, got '{format}'");
                }

                var artifact = RunApi.Report(runs, id, [f]).Artifacts[0];
                return Results.Text(artifact.Content, artifact.MediaType + "; charset=utf-8");
            }
            catch (Exception e) when (RpcErrors.From(e) is { } status)
            {
                return Error(status);
            }
        });
    }

    /// <summary>
    /// A page size read as text and checked here (default 100), so a malformed value gets the same INVALID_ARGUMENT,
    /// with a body, as gRPC.
    /// </summary>
    private static int PageSize(string? text)
    {
        var size = 100;
        if (!string.IsNullOrEmpty(text) && !int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size))
        {
            throw new InputValidationException("page_size", $"must be an integer between 1 and 1000, got '{RpcErrors.Bound(text, 32)}'");
        }

        if (size is < 1 or > 1000)
        {
            throw new InputValidationException("page_size", $"must be between 1 and 1000, got {size}");
        }

        return size;
    }

    /// <summary>The body as a <typeparamref name="T"/>, or the error to answer with (too large, or not that message).</summary>
    private static async Task<(T? Message, Exception? Error)> ReadAsync<T>(HttpRequest http, int maxBytes)
        where T : class, IMessage<T>, new()
    {
        // The same bound as gRPC's receive limit, enforced by Kestrel while reading.
        if (http.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        // JSON bodies only: a browser sends text/plain, form and multipart bodies cross-site without a CORS preflight.
        if (!(http.ContentType is { } type && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media)
              && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, new InputValidationException("content-type", $"must be application/json, got '{RpcErrors.Bound(http.ContentType ?? "", 64)}'"));
        }

        string text;
        try
        {
            using var reader = new StreamReader(http.Body);
            text = await reader.ReadToEndAsync(http.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, new LimitExceededException("body", $"the request body exceeds {maxBytes} bytes"));
        }

        try
        {
            return (Parser.Parse<T>(text), null);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            return (null, new InputValidationException("body",
                "is not the request message in the protobuf JSON mapping (snake_case or lowerCamelCase field names, enums by name): " + e.Message));
        }
    }

    private static IResult Answer(Func<IMessage> handler)
    {
        try
        {
            return Results.Text(Formatter.Format(handler()), "application/json; charset=utf-8");
        }
        catch (Exception e) when (RpcErrors.From(e) is { } status)
        {
            return Error(status);
        }
    }

    private static IResult Error(RpcException error)
    {
        var status = error.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)error.StatusCode, Message = error.Status.Detail };
        var http = error.StatusCode switch
        {
            StatusCode.InvalidArgument when error.Status.Detail.StartsWith("content-type:", StringComparison.Ordinal) => StatusCodes.Status415UnsupportedMediaType,
            StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
            StatusCode.FailedPrecondition => StatusCodes.Status409Conflict,
            StatusCode.NotFound => StatusCodes.Status404NotFound,
            StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
            StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
            StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
            StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };
        return Results.Text(Formatter.Format(status), "application/json; charset=utf-8", statusCode: http);
    }
}

