using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using NetnsPolicy.Cluster.Front;
using NetnsPolicy.Cluster.Grains;
using NetnsPolicy.Cluster.Schema;
using NetnsPolicy.Cluster.Scheduling;
using NetnsPolicy.Service.Api;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Scheduling;
using Npgsql;
using Orleans.Configuration;
using Orleans.Placement;

namespace NetnsPolicy.Cluster.Hosting;

/// <summary>
/// Makes a service process a silo of the cluster (docs/cluster.md): Orleans beside the gRPC endpoints, membership in
/// PostgreSQL through Orleans' ADO.NET clustering (invariant <c>Npgsql</c>), cluster and service id
/// <see cref="ClusterSettings.ClusterId"/>, and <see cref="OrleansRunScheduler"/> as the service's scheduler, so the
/// API, the run and tournament coordinators and the store above the seam are those of a single node.
/// </summary>
public static partial class ClusterHosting
{
    /// <summary>
    /// Starts the service (as <see cref="NetnsPolicyServer.StartAsync(ServiceOptions, Action{WebApplicationBuilder}?, CancellationToken)"/>)
    /// as a silo of the cluster <paramref name="cluster"/> names.
    /// </summary>
    public static Task<RunningService> StartAsync(ServiceOptions options, ClusterSettings cluster, CancellationToken cancellationToken = default) =>
        NetnsPolicyServer.StartAsync(options, builder => AddCluster(builder, options, cluster), cancellationToken);

    /// <summary>
    /// Registers the silo and the cluster scheduler; call after the service's own registrations (its
    /// <see cref="ISimulationExecutor"/> is what the silo's grains execute with).
    /// </summary>
    public static void AddCluster(IHostApplicationBuilder builder, ServiceOptions options, ClusterSettings cluster)
    {
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(cluster, new ValidationContext(cluster), problems, validateAllProperties: true))
        {
            throw new OptionsValidationException(ClusterSettings.SectionName, typeof(ClusterSettings), problems.Select(p => $"{ClusterSettings.SectionName}:{string.Join(",", p.MemberNames)}: {p.ErrorMessage}"));
        }

        if (!cluster.Enabled)
        {
            throw new OptionsValidationException(ClusterSettings.SectionName, typeof(ClusterSettings), ["Cluster:ConnectionString: empty; name the PostgreSQL database of the cluster (Host=…;Database=…)"]);
        }

        NpgsqlConnectionStringBuilder connection;
        try
        {
            connection = new NpgsqlConnectionStringBuilder(cluster.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new OptionsValidationException(ClusterSettings.SectionName, typeof(ClusterSettings), [$"Cluster:ConnectionString: not an Npgsql connection string ({e.Message})"]);
        }

        var advertised = cluster.ResolveAdvertisedAddress(options.ListenAddress);
        var siloName = cluster.SiloName.Length > 0 ? cluster.SiloName : $"{Environment.MachineName}-{cluster.SiloPort}";
        var slots = options.MaxConcurrentSimulations > 0 ? options.MaxConcurrentSimulations : Environment.ProcessorCount;
        var services = builder.Services;
        services.AddSingleton(_ => NpgsqlDataSource.Create(connection.ConnectionString));
        services.AddSingleton(new SiloSimulationSlots(slots, siloName));
        services.AddSingleton<ExecutionLog>();

        // Before the silo (hosted services start in order): the membership table must exist when Orleans reads it.
        services.AddHostedService<SchemaInitializer>();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterSettings.ClusterId;
                o.ServiceId = ClusterSettings.ClusterId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = siloName);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connection.ConnectionString;
            });
            silo.ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !advertised.Equals(System.Net.IPAddress.Loopback) && !options.ListensOnLoopback());
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = cluster.ProbeTimeout;
                o.NumMissedProbesLimit = cluster.MissedProbesLimit;
            });

            // A simulation may queue and run for as long as its run may last; a silo's death fails its calls at once
            // (the membership protocol breaks them), so this is only the bound for a silo that hangs alive.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = options.MaxRunTimeout);
        });

        // Every silo keeps runs, results and tournaments in the cluster's database, so any silo lists every run; the
        // store's tables live beside the membership tables (docs/service.md, "Persistence").
        services.AddPostgresRunStore(connection.ConnectionString);
        services.AddSingleton<SiloCatalogs>();
        services.AddPlacementFilter<CatalogPlacementFilterStrategy, CatalogPlacementFilterDirector>(ServiceLifetime.Singleton);
        services.AddSingleton<OrleansRunScheduler>();
        services.AddSingleton<IRunScheduler>(sp => sp.GetRequiredService<OrleansRunScheduler>());
        services.AddHostedService(sp => sp.GetRequiredService<OrleansRunScheduler>());

        // Runs and tournaments reachable from any silo: the API asks the grain of work another silo holds, and each
        // silo's sweep (after the silo has started: hosted services start in order) takes over what dead silos held.
        services.AddSingleton(cluster);
        services.AddSingleton<IClusterFront, ClusterFront>();
        services.AddHostedService<HoldSweep>();
    }

    private static bool ListensOnLoopback(this ServiceOptions options) =>
        options.ListenAddress is "localhost" || (System.Net.IPAddress.TryParse(options.ListenAddress, out var a) && System.Net.IPAddress.IsLoopback(a));

    /// <summary>Applies <see cref="ClusterSchema"/> before the silo joins.</summary>
    private sealed partial class SchemaInitializer(NpgsqlDataSource dataSource, ILogger<SchemaInitializer> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (await ClusterSchema.ApplyAsync(dataSource, cancellationToken).ConfigureAwait(false))
            {
                Log.Applied(logger, ClusterSchema.Version);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private static partial class Log
        {
            [LoggerMessage(1, LogLevel.Information, "Cluster schema version {Version} applied")]
            public static partial void Applied(ILogger logger, int version);
        }
    }
}
