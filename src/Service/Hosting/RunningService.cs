namespace NetnsPolicy.Service.Hosting;

/// <summary>A service started in-process by <see cref="NetnsPolicyServer.StartAsync(ServiceOptions, CancellationToken)"/>; dispose to stop it.</summary>
public sealed class RunningService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    internal RunningService(WebApplication app, Uri grpcAddress, Uri? webAddress)
    {
        _app = app;
        GrpcAddress = grpcAddress;
        WebAddress = webAddress;
    }

    /// <summary>The gRPC endpoint (HTTP/2 without TLS), e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The gRPC-Web endpoint (HTTP/1.1), or null when disabled.</summary>
    public Uri? WebAddress { get; }

    /// <summary>The service's container (for tests and embedding hosts).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Stops accepting calls, stops the simulation workers (unfinished runs stay stored and resume on the next start) and releases the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
