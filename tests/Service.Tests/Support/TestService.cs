using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Hosting;

namespace NetnsPolicy.Service.Tests.Support;

/// <summary>The real service started in-process on loopback ports chosen by the OS, with its own database, and clients for it.</summary>
internal sealed class TestService : IAsyncDisposable
{
    /// <summary>Bound on every awaited call of the tests.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private TestService(RunningService running, GrpcChannel channel, ServiceOptions options)
    {
        Running = running;
        Channel = channel;
        Options = options;
        Runs = new RunService.RunServiceClient(channel);
        Catalog = new CatalogService.CatalogServiceClient(channel);
    }

    public RunningService Running { get; }

    public GrpcChannel Channel { get; }

    public ServiceOptions Options { get; }

    public RunService.RunServiceClient Runs { get; }

    public CatalogService.CatalogServiceClient Catalog { get; }

    /// <summary>A deadline for one call.</summary>
    public static DateTime Deadline() => DateTime.UtcNow + CallTimeout;

    /// <summary>Options for a test: free ports, the given database, small limits.</summary>
    public static ServiceOptions OptionsFor(string databasePath) => new()
    {
        GrpcPort = 0,
        WebPort = 0,
        DatabasePath = databasePath,
        MaxConcurrentSimulations = 2,
        MaxQueuedRuns = 64,
        MaxSimulationsPerRun = 100,
        MaxNamespacesPerWorkload = 5_000,
        MaxWorkloadBytes = 64 * 1024,
        MaxMessageBytes = 1024 * 1024,
    };

    public static async Task<TestService> StartAsync(ServiceOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var running = await NetnsPolicyServer.StartAsync(options, configure).WaitAsync(CallTimeout);
        var channel = GrpcChannel.ForAddress(running.GrpcAddress, new GrpcChannelOptions { MaxSendMessageSize = null });
        return new TestService(running, channel, options);
    }

    /// <summary>Streams a run's progress to its terminal message and returns every message.</summary>
    public async Task<List<RunProgress>> WatchToEndAsync(string runId, Metadata? headers = null)
    {
        using var call = Runs.WatchRun(new WatchRunRequest { RunId = runId, MinInterval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(50)) }, headers, deadline: Deadline());
        var messages = new List<RunProgress>();
        await foreach (var progress in call.ResponseStream.ReadAllAsync())
        {
            messages.Add(progress);
        }

        return messages;
    }

    /// <summary>Waits for a run to reach a terminal state and returns it.</summary>
    public async Task<Run> CompleteAsync(Run run, Metadata? headers = null)
    {
        var messages = await WatchToEndAsync(run.Id, headers).WaitAsync(CallTimeout);
        return messages[^1].FinalRun;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Running.DisposeAsync().AsTask().WaitAsync(CallTimeout);
    }
}
