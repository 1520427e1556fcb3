using Microsoft.Extensions.Options;
using NetnsPolicy.Service.Hosting;

namespace NetnsPolicy.Service.Api;

/// <summary>
/// Refuses a request that a browser sent from another site: an <c>Origin</c> header that is not one of the configured
/// <see cref="ServiceOptions.AllowedOrigins"/> gets 403 before anything runs. With the gateway's
/// <c>application/json</c>-only bodies this closes cross-site form POSTs (CSRF); CORS answers preflights for the
/// allowed origins only (none by default). Clients that are not browsers send no Origin and are not affected.
/// </summary>
internal sealed class OriginCheck(RequestDelegate next, IOptions<ServiceOptions> options)
{
    private readonly HashSet<string> _allowed = new(options.Value.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext context)
    {
        string? origin = context.Request.Headers.Origin;
        if (!string.IsNullOrEmpty(origin) && !_allowed.Contains(origin.TrimEnd('/')))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(
                """{"code":7,"message":"origin: cross-origin requests are not allowed by this service (configure NetnsPolicy__AllowedOrigins)"}""",
                context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
