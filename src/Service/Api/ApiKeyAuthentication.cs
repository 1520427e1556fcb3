using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using NetnsPolicy.Service.Hosting;

namespace NetnsPolicy.Service.Api;

/// <summary>
/// ASP.NET Core authentication scheme for the operator's API keys (<see cref="ServiceOptions.ApiKeys"/>): the key comes in
/// <c>x-api-key</c> or <c>authorization: Bearer KEY</c> (gRPC metadata or HTTP header). A known key authenticates as its
/// principal (with the admin role when the key is an admin's); no key leaves the caller anonymous, which the
/// authorization fallback policy refuses whenever keys are required; an unknown key fails.
/// </summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ServiceOptions> service)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string AdminRole = "admin";
    public const string HeaderName = "x-api-key";

    private readonly IReadOnlyList<(byte[] Hash, ApiKeyEntry Entry)> _keys =
        [.. service.Value.ApiKeys.Where(k => k.Key.Length > 0).Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k))];

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers[HeaderName];
        if (string.IsNullOrEmpty(key))
        {
            string? authorization = Request.Headers.Authorization;
            if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                key = authorization["Bearer ".Length..].Trim();
            }
        }

        if (string.IsNullOrEmpty(key))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Hashes of equal length compared in constant time: the comparison says nothing about how much of a key matched.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        foreach (var (known, entry) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, known))
            {
                var claims = new List<Claim> { new(ClaimTypes.Name, entry.Principal.Length > 0 ? entry.Principal : "key-" + Convert.ToHexStringLower(known)[..8]) };
                if (entry.Admin)
                {
                    claims.Add(new Claim(ClaimTypes.Role, AdminRole));
                }

                var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
    }
}
