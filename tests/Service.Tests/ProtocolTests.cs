using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Grpc.Reflection.V1Alpha;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>What every gRPC tool expects of the service: catalog, health, reflection, gRPC-Web, paging, loopback binding.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ProtocolTests
{
    private TempDatabase _db = null!;
    private TestService _service = null!;

    [OneTimeSetUp]
    public async Task StartService()
    {
        _db = new TempDatabase();
        _service = await TestService.StartAsync(TestService.OptionsFor(_db.Path));
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        await _service.DisposeAsync();
        _db.Dispose();
    }

    [Test]
    public async Task ListPolicies_Default_UpstreamAndShippedPluginsWithIdentity()
    {
        var response = await _service.Catalog.ListPoliciesAsync(new ListPoliciesRequest(), deadline: TestService.Deadline());

        var batching = response.Policies.Single(p => p.Id == "batching");
        Assert.That(batching.DecisionPoints, Is.EqualTo(new[] { "BatchAdmission" }));
        Assert.That(batching.Parameters.Single().Name, Is.EqualTo("batch_size"));
        Assert.That(batching.Parameters.Single().Kind, Is.EqualTo(ParameterKind.Integer));
        Assert.That(batching.AssemblyHash, Has.Length.EqualTo(64));

        var upstream = response.Policies.Single(p => p.Id == "upstream");
        Assert.That(upstream.Version, Is.EqualTo("1.0.0"));
        Assert.That(upstream.AssemblyHash, Is.Not.Empty);
        Assert.That(response.EngineVersion, Is.EqualTo(Simulation.SimulationEngine.Version));
        Assert.That(response.Policies.Select(p => p.Id), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }

    [Test]
    public async Task ListKernelProfiles_Default_HasShippedProfileWithItsJson()
    {
        var response = await _service.Catalog.ListKernelProfilesAsync(new ListKernelProfilesRequest(), deadline: TestService.Deadline());

        var v49 = response.Profiles.Single(p => p.Id == "v4.9");
        Assert.That(v49.Json, Does.Contain("pernet"));
    }

    [Test]
    public async Task HealthCheck_Running_Serving()
    {
        var health = new Health.HealthClient(_service.Channel);

        var response = await health.CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());

        Assert.That(response.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
    }

    [Test]
    public async Task Reflection_ListServices_NamesEveryApiService()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_service.Channel);
        using var call = reflection.ServerReflectionInfo(deadline: TestService.Deadline());

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(), Is.True);

        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.That(names, Is.SupersetOf(new[] { "netnspolicy.v1.RunService", "netnspolicy.v1.CatalogService", "netnspolicy.v1.TournamentService", "grpc.health.v1.Health" }));
    }

    [Test]
    public async Task GrpcWeb_Http11Port_ListPoliciesAnswers()
    {
        Assert.That(_service.Running.WebAddress, Is.Not.Null);
        using var handler = new GrpcWebHandler(GrpcWebMode.GrpcWebText, new HttpClientHandler());
        using var channel = GrpcChannel.ForAddress(_service.Running.WebAddress!, new GrpcChannelOptions
        {
            HttpHandler = handler,
            HttpVersion = System.Net.HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });

        var response = await new CatalogService.CatalogServiceClient(channel).ListPoliciesAsync(new ListPoliciesRequest(), deadline: TestService.Deadline());

        Assert.That(response.Policies.Select(p => p.Id), Does.Contain("upstream"));
    }

    [Test]
    public void Addresses_DefaultListenAddress_Loopback()
    {
        Assert.That(_service.Running.GrpcAddress.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(_service.Running.WebAddress!.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(_service.Running.GrpcAddress.Port, Is.Not.EqualTo(_service.Running.WebAddress.Port));
        Assert.That(new Hosting.ServiceOptions().ListenAddress, Is.EqualTo("127.0.0.1"));
    }
}
