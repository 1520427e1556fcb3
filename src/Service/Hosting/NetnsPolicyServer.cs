using System.ComponentModel.DataAnnotations;
using System.Net;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using NetnsPolicy.PluginHost;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Service.Api;
using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Service.Tournaments;

namespace NetnsPolicy.Service.Hosting;

/// <summary>Builds the service on the Generic Host, standalone (Program) or embedded in another process (the CLI, tests).</summary>
public static class NetnsPolicyServer
{
    /// <summary>
    /// Starts the whole service in-process (gRPC, gRPC-Web, health, reflection, scheduler, store) and returns once it
    /// listens. Use port 0 in <paramref name="options"/> to get free ports; the bound addresses are on the result.
    /// </summary>
    public static Task<RunningService> StartAsync(ServiceOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, configure: null, cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(ServiceOptions, CancellationToken)"/>, with a hook run after the service's own
    /// registrations (e.g. to register another <see cref="IPolicyCatalog"/>; the last registration wins).
    /// </summary>
    public static async Task<RunningService> StartAsync(ServiceOptions options, Action<WebApplicationBuilder>? configure, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });

        // Embedded, the service is configured by its caller alone (not by an appsettings.json that happens to sit
        // beside the host program), and speaks only when something goes wrong.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>("Logging:LogLevel:Default", "Warning")]);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var endpoints = Configure(builder, options);
        configure?.Invoke(builder);
        var app = Build(builder);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new RunningService(app, endpoints.GrpcAddress(), endpoints.WebAddress());
    }

    /// <summary>Registers every service and endpoint; returns the endpoints whose ports are known once started.</summary>
    internal static BoundEndpoints Configure(WebApplicationBuilder builder, ServiceOptions options)
    {
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            throw new OptionsValidationException(ServiceOptions.SectionName, typeof(ServiceOptions), problems.Select(p => $"{string.Join(",", p.MemberNames)}: {p.ErrorMessage}"));
        }

        var address = options.ListenAddress is "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.ListenAddress);
        if (options.KeysRequired && !options.ApiKeys.Any(k => k.Key.Length > 0))
        {
            throw new OptionsValidationException(ServiceOptions.SectionName, typeof(ServiceOptions),
                [$"ApiKeys: the service listens on {options.ListenAddress}, beyond loopback, and then requires API keys; configure at least one (NetnsPolicy__ApiKeys__0__Key=SECRET, NetnsPolicy__ApiKeys__0__Principal=NAME) or listen on 127.0.0.1"]);
        }

        var endpoints = new BoundEndpoints();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // h2c only: gRPC clients (C#, Python, Node, grpcurl -plaintext) speak HTTP/2 with prior knowledge.
            kestrel.Listen(address, options.GrpcPort, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                endpoints.Grpc = l;
            });
            if (options.WebPort >= 0)
            {
                kestrel.Listen(address, options.WebPort, l =>
                {
                    l.Protocols = HttpProtocols.Http1;
                    endpoints.Web = l;
                });
            }
        });

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(TimeProvider.System);
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = options.MaxMessageBytes;
            o.Interceptors.Add<ErrorInterceptor>();
        });
        services.AddGrpcReflection();

        // Authentication with ASP.NET Core's parts: the API-key scheme, and a fallback policy that requires an
        // authenticated caller on every endpoint (health excepted) whenever keys are required.
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization(o =>
        {
            if (options.KeysRequired)
            {
                o.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser().Build();
            }
        });

        // Host filtering against DNS rebinding: on loopback only loopback names are answered unless configured.
        var hosts = options.AllowedHosts.Count > 0 ? [.. options.AllowedHosts]
            : options.ListensOnLoopbackOnly ? new List<string> { "localhost", "127.0.0.1", "[::1]", "::1" } : ["*"];
        services.AddHostFiltering(o =>
        {
            o.AllowedHosts = hosts;
            o.AllowEmptyHosts = false;
            o.IncludeFailureMessage = true;
        });
        services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (options.AllowedOrigins.Count > 0)
            {
                p.WithOrigins([.. options.AllowedOrigins]).AllowAnyHeader().WithMethods("GET", "POST")
                    .WithExposedHeaders("grpc-status", "grpc-message", "grpc-status-details-bin");
            }
        }));
        services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
        services.AddSingleton(_ => PluginExecution.Create(options));
        services.AddSingleton<IPolicyCatalog>(sp => PluginExecution.Catalog(options, sp.GetRequiredService<PluginExecution>()));
        services.AddSingleton<ISimulationExecutor>(sp => new EngineSimulationExecutor(sp.GetRequiredService<IPolicyCatalog>(), sp.GetRequiredService<PluginExecution>()));
        services.AddSingleton<LocalRunScheduler>();
        services.AddSingleton<IRunScheduler>(sp => sp.GetRequiredService<LocalRunScheduler>());
        services.AddSingleton<IProtobufRequestReader, ProtobufRequestReader>();
        services.AddRunStore(options);
        services.AddSingleton<RunPlanner>();
        services.AddSingleton<RunCoordinator>();
        services.AddSingleton<TournamentCoordinator>();

        // Resume before the scheduler's workers and the endpoints start, so a client never sees a stale state.
        services.AddHostedService<RunResumer>();
        services.AddHostedService(sp => sp.GetRequiredService<LocalRunScheduler>());
        services.AddHostedService<RetentionService>();
        return endpoints;
    }

    /// <summary>Builds the app and maps the endpoints.</summary>
    internal static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseHostFiltering();
        app.UseMiddleware<OriginCheck>();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.MapGrpcService<CatalogApi>();
        app.MapGrpcService<RunApi>();
        app.MapGrpcService<TournamentApi>();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService();
        app.MapJsonGateway();
        return app;
    }

    /// <summary>The Kestrel endpoints, whose <see cref="ListenOptions.IPEndPoint"/> holds the bound port once started.</summary>
    internal sealed class BoundEndpoints
    {
        public ListenOptions? Grpc { get; set; }

        public ListenOptions? Web { get; set; }

        public Uri GrpcAddress() => ToUri(Grpc ?? throw new InvalidOperationException("the gRPC endpoint was not configured"));

        public Uri? WebAddress() => Web is null ? null : ToUri(Web);

        private static Uri ToUri(ListenOptions l)
        {
            var ep = l.IPEndPoint ?? throw new InvalidOperationException("endpoint is not an IP endpoint");
            var host = ep.Address.Equals(IPAddress.Any) ? "127.0.0.1" : ep.Address.Equals(IPAddress.IPv6Any) ? "[::1]" : ep.Address.ToString();
            if (ep.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !host.StartsWith('['))
            {
                host = $"[{host}]";
            }

            return new Uri($"http://{host}:{ep.Port}");
        }
    }
}
