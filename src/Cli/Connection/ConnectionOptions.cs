using System.CommandLine;

namespace NetnsPolicy.Cli.Connection;

/// <summary>The options every command that talks to the service shares: where the service is, or where the embedded one keeps its store.</summary>
internal sealed class ConnectionOptions
{
    public Option<string?> Server { get; } = new("--server")
    {
        Description = "A running netns-policy service's gRPC port: http://host:port, https://host:port or host:port (plain HTTP/2; the service's default is 127.0.0.1:5180, its web port 5181 speaks gRPC-Web and JSON, not gRPC). Without it the service is started in-process on a loopback port.",
    };

    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Folder of the embedded service's SQLite store (kept between invocations, so `report` can re-render). Without it a throwaway store is used.",
    };

    /// <summary>The environment variable naming the embedded service's plugins folder when --plugins is not given.</summary>
    public const string PluginsVariable = "NETNS_POLICY_PLUGINS";

    public Option<string?> Plugins { get; } = new("--plugins")
    {
        Description = "Folder of policy plugins for the embedded service, one sub-folder each (default: $" + PluginsVariable + ", else the plugins shipped beside the program). A remote service uses its own.",
    };

    public ConnectionOptions()
    {
        Server.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string?>();
            if (text is not null && !TryParseServer(text, out _))
            {
                r.AddError($"--server: '{text}' is neither an http:// or https:// URL nor host:port");
            }
        });
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Data);
        command.Options.Add(Plugins);
    }

    public ConnectionSettings Read(ParseResult parse)
    {
        var server = parse.GetValue(Server);
        return new ConnectionSettings(server is null ? null : TryParseServer(server, out var uri) ? uri : null, parse.GetValue(Data), PluginsFolder(parse.GetValue(Plugins)));
    }

    /// <summary>The plugins folder from <c>--plugins</c>, else <see cref="PluginsVariable"/>, as a full path; null for the default.</summary>
    internal static string? PluginsFolder(string? fromOption)
    {
        var plugins = fromOption ?? (Environment.GetEnvironmentVariable(PluginsVariable) is { Length: > 0 } fromEnv ? fromEnv : null);
        if (plugins is not null && !Directory.Exists(plugins))
        {
            throw new Simulation.InputValidationException(fromOption is null ? PluginsVariable : "--plugins", $"plugins folder '{plugins}' does not exist");
        }

        return plugins is null ? null : Path.GetFullPath(plugins);
    }

    /// <summary>An http(s) URL, or host:port taken as http://host:port (the form the Python client uses).</summary>
    internal static bool TryParseServer(string text, out Uri uri)
    {
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        return Uri.TryCreate(withScheme, UriKind.Absolute, out uri!)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.Host.Length > 0
            && (text.Contains("://", StringComparison.Ordinal) || !uri.IsDefaultPort);
    }
}
