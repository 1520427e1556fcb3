using NetnsPolicy.Service.Hosting;

// Standalone service: configuration from appsettings.json, then environment variables (NetnsPolicy__GrpcPort=5180),
// then command-line arguments (--NetnsPolicy:GrpcPort 5180).
var builder = WebApplication.CreateBuilder(args);
var options = builder.Configuration.GetSection(ServiceOptions.SectionName).Get<ServiceOptions>() ?? new ServiceOptions();
if (options.StoreConnectionString.Length == 0 && builder.Configuration["Store:ConnectionString"] is { Length: > 0 } store)
{
    options.StoreConnectionString = store;
}

NetnsPolicyServer.Configure(builder, options);
var app = NetnsPolicyServer.Build(builder);
await app.RunAsync();
