using Grpc.Core;

namespace NetnsPolicy.Service.Api;

/// <summary>Who is calling: the authenticated principal's name, else the connection's peer address and port.</summary>
internal static class ClientIdentity
{
    public static string Of(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        return Of(http) ?? context.Peer;
    }

    public static string? Of(HttpContext http)
    {
        if (http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            return "key:" + name;
        }

        var c = http.Connection;
        return c.RemoteIpAddress is null ? null : $"peer:{c.RemoteIpAddress}:{c.RemotePort}";
    }

    /// <summary>True when the caller holds the service's admin role (may cancel or delete anyone's runs).</summary>
    public static bool IsAdmin(ServerCallContext context) => context.GetHttpContext().User.IsInRole(ApiKeyAuthentication.AdminRole);
}
