using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetnsPolicy.Cluster.Grains;
using NetnsPolicy.Cluster.Hosting;
using NetnsPolicy.Cluster.Scheduling;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.TestSupport;

namespace NetnsPolicy.Cluster.Tests.Scheduling;

/// <summary>One scheduler implementation as the contract suite drives it: one simulation slot, a given run capacity.</summary>
public abstract class SchedulerEngine : IAsyncDisposable
{
    internal GateExecutor Executor { get; } = new();

    /// <summary>Sets up what every scheduler of this engine shares (a silo, for the cluster).</summary>
    public virtual Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A new scheduler admitting at most <paramref name="capacity"/> runs, not yet started.</summary>
    internal abstract BackgroundService Create(int capacity);

    public abstract ValueTask DisposeAsync();

    public override string ToString() => GetType().Name;

    protected static ServiceOptions Options(int capacity) => new() { MaxConcurrentSimulations = 1, MaxQueuedRuns = capacity };
}

/// <summary>The in-process scheduler.</summary>
public sealed class LocalEngine : SchedulerEngine
{
    internal override BackgroundService Create(int capacity) =>
        new LocalRunScheduler(Executor, Microsoft.Extensions.Options.Options.Create(Options(capacity)), NullLogger<LocalRunScheduler>.Instance);

    public override ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The cluster's scheduler on a real silo: Orleans with ADO.NET clustering on a private PostgreSQL (the schema applied at
/// start), loopback ports, one simulation slot; its grains execute with <see cref="SchedulerEngine.Executor"/>.
/// </summary>
public sealed class OrleansEngine : SchedulerEngine
{
    private PostgresInstance? _postgres;
    private IHost? _silo;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _postgres = await PostgresInstance.StartAsync(cancellationToken).ConfigureAwait(false);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        var options = Options(capacity: 1);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddSingleton<ISimulationExecutor>(Executor);
        ClusterHosting.AddCluster(builder, options, new ClusterSettings
        {
            ConnectionString = _postgres.ConnectionString,
            SiloPort = FreePort(),
            GatewayPort = FreePort(),
            AdvertisedAddress = "127.0.0.1",
            SiloName = "contract",
        });
        _silo = builder.Build();
        await _silo.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    internal override BackgroundService Create(int capacity)
    {
        var services = _silo!.Services;
        return new OrleansRunScheduler(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<IClusterMembershipService>(),
            services.GetRequiredService<SiloSimulationSlots>(), services.GetRequiredService<SiloCatalogs>(), Microsoft.Extensions.Options.Options.Create(Options(capacity)), NullLogger<OrleansRunScheduler>.Instance);
    }

    public override async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_silo is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _silo.StopAsync(stop.Token).ConfigureAwait(false);
            _silo.Dispose();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
