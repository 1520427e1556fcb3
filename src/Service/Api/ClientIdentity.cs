using System.Net;
using Grpc.Core;
using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Api;

/// <summary>
/// Who is calling: <c>key:PRINCIPAL</c> for a caller with a key, else <c>peer:ADDRESS</c> — the connection's IP
/// address without its port, so that one keyless client opening several connections is still one client to the fair
/// queue. Keyless work is anonymous to <see cref="RunOwnership"/>.
/// </summary>
internal static class ClientIdentity
{
    public static string Of(ServerCallContext context) => Of(context.GetHttpContext());

    public static string Of(HttpContext http)
    {
        if (http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            return RunOwnership.KeyPrefix + name;
        }

        return "peer:" + Address(http.Connection.RemoteIpAddress);
    }

    /// <summary>True when the caller holds the service's admin role (may cancel or delete anyone's runs).</summary>
    public static bool IsAdmin(ServerCallContext context) => IsAdmin(context.GetHttpContext());

    /// <inheritdoc cref="IsAdmin(ServerCallContext)"/>
    public static bool IsAdmin(HttpContext http) => http.User.IsInRole(ApiKeyAuthentication.AdminRole);

    // ::ffff:127.0.0.1 and 127.0.0.1 are one client (a dual-stack socket reports IPv4 peers mapped).
    private static string Address(IPAddress? address) => address switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };
}
