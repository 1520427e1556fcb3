using System.CommandLine;
using NetnsPolicy.Service.Hosting;

namespace NetnsPolicy.Cli.Commands;

/// <summary><c>serve [--listen ADDR] [--port N] [--web-port N] [--data DIR] [--plugins DIR]</c>: the service in the foreground until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new ServiceOptions();
        var listen = new Option<string>("--listen") { Description = "Address to listen on (loopback by default; 0.0.0.0 exposes the service).", DefaultValueFactory = _ => defaults.ListenAddress };
        var port = new Option<int>("--port") { Description = "gRPC port (HTTP/2 without TLS); 0 picks a free one.", DefaultValueFactory = _ => defaults.GrpcPort };
        var webPort = new Option<int>("--web-port") { Description = "gRPC-Web and HTTP/JSON port (HTTP/1.1); 0 picks a free one, -1 disables it.", DefaultValueFactory = _ => defaults.WebPort };
        var data = new Option<string>("--data") { Description = "Folder of the SQLite store.", DefaultValueFactory = _ => "." };
        var plugins = new Option<string?>("--plugins") { Description = "Folder of policy plugins (default: plugins/ beside the program), watched for changes." };
        listen.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (value is not "localhost" && !System.Net.IPAddress.TryParse(value, out _))
            {
                r.AddError($"--listen: '{value}' is not an IP address");
            }
        });
        port.Validators.Add(r => RequireRange(r, "--port", 0));
        webPort.Validators.Add(r => RequireRange(r, "--web-port", -1));
        var cmd = new Command("serve", "Run the gRPC service in the foreground (Ctrl+C stops it; unfinished runs resume on the next start).")
        {
            listen, port, webPort, data, plugins,
        };
        CliAction.Set(cmd, async (parse, console, ct) =>
        {
            var folder = Path.GetFullPath(parse.GetValue(data)!);
            Directory.CreateDirectory(folder);
            var options = new ServiceOptions
            {
                ListenAddress = parse.GetValue(listen)!,
                GrpcPort = parse.GetValue(port),
                WebPort = parse.GetValue(webPort),
                DatabasePath = Path.Combine(folder, "netns-policy.db"),
                PluginsDirectory = parse.GetValue(plugins) ?? "",
            };
            // Checked first: Kestrel logs a failed bind with its whole stack trace before the exception reaches us.
            foreach (var (name, p) in new[] { ("--port", options.GrpcPort), ("--web-port", options.WebPort) })
            {
                if (p > 0 && PortInUse(options.ListenAddress, p) is { } reason)
                {
                    await console.Error.WriteLineAsync($"error: {name}: {options.ListenAddress}:{p} is already in use ({reason}); stop what listens there or choose another port").ConfigureAwait(false);
                    return ExitCodes.ServerUnreachable;
                }
            }

            RunningService service;
            try
            {
                service = await NetnsPolicyServer.StartAsync(options, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // Kestrel reports a port in use as an IOException.
                await console.Error.WriteLineAsync("error: the service could not start: " + e.Message).ConfigureAwait(false);
                return ExitCodes.ServerUnreachable;
            }

            await using (service.ConfigureAwait(false))
            {
                await console.Out.WriteLineAsync($"netns-policy service: gRPC {service.GrpcAddress}" + (service.WebAddress is { } web ? $", gRPC-Web and HTTP/JSON {web}" : "") + $", store {options.DatabasePath}").ConfigureAwait(false);
                await console.Out.WriteLineAsync("Ctrl+C stops it.").ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await console.Out.WriteLineAsync("stopping").ConfigureAwait(false);
                }
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Why <paramref name="port"/> cannot be bound on <paramref name="address"/>, or null when it can.</summary>
    internal static string? PortInUse(string address, int port)
    {
        var ip = address == "localhost" ? System.Net.IPAddress.Loopback : System.Net.IPAddress.Parse(address);
        var listener = new System.Net.Sockets.TcpListener(ip, port);
        try
        {
            listener.Start();
            return null;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return e.Message;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static void RequireRange(System.CommandLine.Parsing.OptionResult result, string name, int min)
    {
        var value = result.GetValueOrDefault<int>();
        if (value < min || value > 65535)
        {
            result.AddError($"{name}: must be between {min} and 65535, got {value}");
        }
    }
}
