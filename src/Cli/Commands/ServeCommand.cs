using System.CommandLine;
using Microsoft.Extensions.Configuration;
using NetnsPolicy.Cluster.Hosting;
using NetnsPolicy.Service.Hosting;

namespace NetnsPolicy.Cli.Commands;

/// <summary>
/// <c>serve [--listen ADDR] [--port N] [--web-port N] [--data DIR] [--plugins DIR] [--cluster CONNSTR [--silo-port N]
/// [--gateway-port N] [--advertise ADDR] [--silo-name NAME]]</c>: the service in the foreground until Ctrl+C; with a
/// cluster (also <c>Cluster:ConnectionString</c> in appsettings.json beside the program or
/// <c>NETNSPOLICY_Cluster__ConnectionString</c>) it is a silo of the Orleans cluster on that PostgreSQL database
/// (docs/cluster.md).
/// </summary>
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
        var cluster = new Option<string?>("--cluster") { Description = "Join the Orleans cluster whose membership is in this PostgreSQL database (Npgsql connection string, e.g. \"Host=db;Database=netns\"); default: Cluster:ConnectionString from appsettings.json or NETNSPOLICY_Cluster__ConnectionString, else no cluster." };
        var siloPort = new Option<int?>("--silo-port") { Description = "With a cluster: the port silos talk to each other on (default 11111)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "With a cluster: the Orleans gateway port (default 30000)." };
        var advertise = new Option<string?>("--advertise") { Description = "With a cluster: the address other silos reach this one at (default: --listen when it is one address, else this machine's first IPv4 address)." };
        var siloName = new Option<string?>("--silo-name") { Description = "With a cluster: this silo's name in the membership table and metrics (default: host name and silo port)." };
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
        siloPort.Validators.Add(r => RequireRange(r, "--silo-port", 1));
        gatewayPort.Validators.Add(r => RequireRange(r, "--gateway-port", 1));
        advertise.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string?>();
            if (value is not null && !System.Net.IPAddress.TryParse(value, out _))
            {
                r.AddError($"--advertise: '{value}' is not an IP address");
            }
        });
        var cmd = new Command("serve", "Run the gRPC service in the foreground (Ctrl+C stops it; unfinished runs resume on the next start).")
        {
            listen, port, webPort, data, plugins, cluster, siloPort, gatewayPort, advertise, siloName,
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

            var clusterSettings = ClusterConfiguration(parse.GetValue(cluster), parse.GetValue(siloPort), parse.GetValue(gatewayPort), parse.GetValue(advertise), parse.GetValue(siloName));
            if (clusterSettings is not null)
            {
                foreach (var (name, p) in new[] { ("--silo-port", clusterSettings.SiloPort), ("--gateway-port", clusterSettings.GatewayPort) })
                {
                    if (PortInUse(clusterSettings.AdvertisedAddress.Length > 0 ? clusterSettings.AdvertisedAddress : options.ListenAddress, p) is { } reason)
                    {
                        await console.Error.WriteLineAsync($"error: {name}: port {p} is already in use ({reason}); stop what listens there or choose another port").ConfigureAwait(false);
                        return ExitCodes.ServerUnreachable;
                    }
                }
            }

            RunningService service;
            try
            {
                service = clusterSettings is null
                    ? await NetnsPolicyServer.StartAsync(options, ct).ConfigureAwait(false)
                    : await ClusterHosting.StartAsync(options, clusterSettings, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // Kestrel reports a port in use as an IOException.
                await console.Error.WriteLineAsync("error: the service could not start: " + e.Message).ConfigureAwait(false);
                return ExitCodes.ServerUnreachable;
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException e)
            {
                await console.Error.WriteLineAsync("error: " + string.Join("; ", e.Failures)).ConfigureAwait(false);
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (clusterSettings is not null && e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or Orleans.Runtime.OrleansException or ArgumentException or TimeoutException)
            {
                await console.Error.WriteLineAsync($"error: --cluster: the silo could not join the cluster ({e.GetType().Name}: {e.Message})").ConfigureAwait(false);
                return ExitCodes.ServerUnreachable;
            }

            await using (service.ConfigureAwait(false))
            {
                await console.Out.WriteLineAsync($"netns-policy service: gRPC {service.GrpcAddress}" + (service.WebAddress is { } web ? $", gRPC-Web and HTTP/JSON {web}" : "") + $", store {options.DatabasePath}"
                    + (clusterSettings is null ? "" : $", silo of cluster {ClusterSettings.ClusterId} (silo port {clusterSettings.SiloPort}, gateway {clusterSettings.GatewayPort})")).ConfigureAwait(false);
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

    /// <summary>
    /// The cluster to join: appsettings.json beside the program (section <c>Cluster</c>), then the environment
    /// (<c>NETNSPOLICY_Cluster__…</c>), then the options; null when no connection string is configured anywhere.
    /// </summary>
    internal static ClusterSettings? ClusterConfiguration(string? connectionString, int? siloPort, int? gatewayPort, string? advertise, string? siloName)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables("NETNSPOLICY_")
            .Build();
        var settings = configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
        settings.ConnectionString = connectionString ?? settings.ConnectionString;
        settings.SiloPort = siloPort ?? settings.SiloPort;
        settings.GatewayPort = gatewayPort ?? settings.GatewayPort;
        settings.AdvertisedAddress = advertise ?? settings.AdvertisedAddress;
        settings.SiloName = siloName ?? settings.SiloName;
        return settings.Enabled ? settings : null;
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
