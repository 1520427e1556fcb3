using System.CommandLine;

namespace NetnsPolicy.Cli.Connection;

/// <summary>The options every command that talks to the service shares: where the service is, or where the embedded one keeps its store.</summary>
internal sealed class ConnectionOptions
{
    public Option<string?> Server { get; } = new("--server")
    {
        Description = "URL of a running netns-policy service (http://host:port, gRPC over HTTP/2). Without it the service is started in-process on a loopback port.",
    };

    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Folder of the embedded service's SQLite store (kept between invocations, so `report` can re-render). Without it a throwaway store is used.",
    };

    public ConnectionOptions()
    {
        Server.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string?>();
            if (text is not null && !TryParseServer(text, out _))
            {
                r.AddError($"--server: '{text}' is not an http:// or https:// URL");
            }
        });
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Data);
    }

    public ConnectionSettings Read(ParseResult parse)
    {
        var server = parse.GetValue(Server);
        return new ConnectionSettings(server is null ? null : TryParseServer(server, out var uri) ? uri : null, parse.GetValue(Data));
    }

    private static bool TryParseServer(string text, out Uri uri) =>
        Uri.TryCreate(text, UriKind.Absolute, out uri!) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
