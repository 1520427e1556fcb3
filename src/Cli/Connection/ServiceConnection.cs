using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Hosting;

namespace NetnsPolicy.Cli.Connection;

/// <summary>
/// A gRPC connection to the service: to the one at <c>--server</c>, or to one started in-process on a loopback port.
/// Every command talks gRPC either way, so local and remote use share one code path.
/// </summary>
internal sealed class ServiceConnection : IAsyncDisposable
{
    /// <summary>How long a server gets to answer the first call before it counts as unreachable.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    private readonly GrpcChannel _channel;
    private readonly RunningService? _embedded;
    private readonly string? _throwawayDirectory;

    private ServiceConnection(Uri address, GrpcChannel channel, RunningService? embedded, string? throwawayDirectory, ListPoliciesResponse policies)
    {
        Address = address;
        _channel = channel;
        _embedded = embedded;
        _throwawayDirectory = throwawayDirectory;
        Policies = policies;
        Runs = new RunService.RunServiceClient(channel);
        Catalog = new CatalogService.CatalogServiceClient(channel);
    }

    public RunService.RunServiceClient Runs { get; }

    /// <summary>The channel, for clients of other services (tournaments).</summary>
    public GrpcChannel Channel => _channel;

    public CatalogService.CatalogServiceClient Catalog { get; }

    /// <summary>The policies the service offered when the connection was opened (the reachability probe's answer).</summary>
    public ListPoliciesResponse Policies { get; }

    /// <summary>The address the CLI talks to.</summary>
    public Uri Address { get; }

    /// <summary>True when the service runs inside this process.</summary>
    public bool IsEmbedded => _embedded is not null;

    /// <summary>Connects to <see cref="ConnectionSettings.Server"/>, or starts the service in-process; either way checks that it answers.</summary>
    public static async Task<ServiceConnection> OpenAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        RunningService? embedded = null;
        string? throwaway = null;
        Uri address;
        if (settings.Server is { } server)
        {
            address = server;
        }
        else
        {
            string dataDirectory;
            if (settings.DataDirectory is { } data)
            {
                dataDirectory = Path.GetFullPath(data);
            }
            else
            {
                throwaway = Directory.CreateTempSubdirectory("netns-policy-").FullName;
                dataDirectory = throwaway;
            }

            try
            {
                Directory.CreateDirectory(dataDirectory);
                embedded = await NetnsPolicyServer.StartAsync(EmbeddedOptions(dataDirectory, settings.PluginsDirectory), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                TryDelete(throwaway);
                throw new ServerUnreachableException($"the embedded service could not start: {e.Message}", e);
            }

            address = embedded.GrpcAddress;
        }

        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            // Rendered HTML reports can be several megabytes.
            MaxReceiveMessageSize = 256 * 1024 * 1024,
        });
        try
        {
            var policies = await new CatalogService.CatalogServiceClient(channel)
                .ListPoliciesAsync(new ListPoliciesRequest(), deadline: DateTime.UtcNow + ProbeTimeout, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return new ServiceConnection(address, channel, embedded, throwaway, policies);
        }
        catch (Exception e)
        {
            channel.Dispose();
            if (embedded is not null)
            {
                await embedded.DisposeAsync().ConfigureAwait(false);
            }

            TryDelete(throwaway);
            if (e is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Unimplemented or StatusCode.Internal or StatusCode.Unknown } rpc)
            {
                // HTTP_1_1_REQUIRED: the service's web port (Kestrel, HTTP/1.1 only); PROTOCOL_ERROR: another HTTP/1.x server.
                var hint = rpc.Status.Detail.Contains("HTTP_1_1_REQUIRED", StringComparison.Ordinal) || rpc.Status.Detail.Contains("PROTOCOL_ERROR", StringComparison.Ordinal)
                    ? $" — this port speaks HTTP/1.1, not gRPC: the service's web port (gRPC-Web and JSON, 5181 by default) does; --server wants the gRPC port (5180 by default, e.g. --server {address.Host}:5180)"
                    : "";
                throw new ServerUnreachableException($"no netns-policy service answers at {address}: {rpc.Status.Detail}{hint}", e);
            }

            throw;
        }
    }

    /// <summary>The embedded service: loopback, free port, no gRPC-Web port, the plugins of --plugins or beside the program (not watched: the process is short-lived).</summary>
    internal static ServiceOptions EmbeddedOptions(string dataDirectory, string? pluginsDirectory = null) => new()
    {
        PluginsDirectory = pluginsDirectory ?? "",
        ListenAddress = "127.0.0.1",
        GrpcPort = 0,
        WebPort = -1,
        DatabasePath = Path.Combine(dataDirectory, "netns-policy.db"),
        WatchPlugins = false,
        // A second invocation on the same --data store should not silently resume a previous invocation's work.
        ResumeInterruptedRuns = false,
    };

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync().ConfigureAwait(false);
        }

        if (_throwawayDirectory is not null)
        {
            // Pooled connections keep the database file open.
            SqliteConnection.ClearAllPools();
            TryDelete(_throwawayDirectory);
        }
    }

    private static void TryDelete(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; failing the command over it would not be.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
