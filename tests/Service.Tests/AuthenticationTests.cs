using System.Net;
using Grpc.Core;
using Microsoft.Extensions.Options;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>
/// API keys: required when the service listens beyond loopback (here on all addresses; the clients connect over
/// loopback only), optional on loopback; a run belongs to its key.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AuthenticationTests
{
    private const string AliceKey = "alice-secret-0123456789";
    private const string BobKey = "bob-secret-0123456789";
    private const string AdminKey = "admin-secret-0123456789";

    private static ServiceOptions AllAddresses(string db)
    {
        var o = TestService.OptionsFor(db);
        o.ListenAddress = "0.0.0.0";
        o.ApiKeys.Add(new ApiKeyEntry { Key = AliceKey, Principal = "alice" });
        o.ApiKeys.Add(new ApiKeyEntry { Key = BobKey, Principal = "bob" });
        o.ApiKeys.Add(new ApiKeyEntry { Key = AdminKey, Principal = "ops", Admin = true });
        return o;
    }

    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    [Test]
    public async Task ListPolicies_AllAddressesWithoutKey_UnauthenticatedAndWithKeyServed()
    {
        using var db = new TempDatabase();
        await using var service = await TestService.StartAsync(AllAddresses(db.Path));
        Assert.That(service.Running.GrpcAddress.Host, Is.EqualTo("127.0.0.1"), "the test's client connects over loopback");

        await RpcAssert.FailsWith(StatusCode.Unauthenticated,
            () => service.Catalog.ListPoliciesAsync(new ListPoliciesRequest(), deadline: TestService.Deadline()).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.Unauthenticated,
            () => service.Catalog.ListPoliciesAsync(new ListPoliciesRequest(), Key("wrong-key"), deadline: TestService.Deadline()).ResponseAsync);
        var policies = await service.Catalog.ListPoliciesAsync(new ListPoliciesRequest(), Key(AliceKey), deadline: TestService.Deadline());
        var bearer = await service.Catalog.ListPoliciesAsync(new ListPoliciesRequest(), new Metadata { { "authorization", "Bearer " + BobKey } }, deadline: TestService.Deadline());

        Assert.That(policies.Policies, Is.Not.Empty);
        Assert.That(bearer.Policies, Has.Count.EqualTo(policies.Policies.Count));

        using var http = new HttpClient { BaseAddress = service.Running.WebAddress, Timeout = TestService.CallTimeout };
        using var anonymous = await http.GetAsync(new Uri("/v1/policies", UriKind.Relative));
        using var keyed = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/policies", UriKind.Relative));
        keyed.Headers.Add("x-api-key", AliceKey);
        using var served = await http.SendAsync(keyed);
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task CancelRun_AnotherPrincipalsRun_PermissionDeniedOwnerAndAdminMay()
    {
        using var db = new TempDatabase();
        using var gate = new GatedExecutor();
        await using var service = await TestService.StartAsync(AllAddresses(db.Path),
            b => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<NetnsPolicy.Service.Scheduling.ISimulationExecutor>(b.Services, gate));

        var alices = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), Key(AliceKey), deadline: TestService.Deadline());
        var alices2 = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), Key(AliceKey), deadline: TestService.Deadline());

        await RpcAssert.FailsWith(StatusCode.PermissionDenied,
            () => service.Runs.CancelRunAsync(new CancelRunRequest { RunId = alices.Id }, Key(BobKey), deadline: TestService.Deadline()).ResponseAsync);
        await service.Runs.CancelRunAsync(new CancelRunRequest { RunId = alices.Id }, Key(AliceKey), deadline: TestService.Deadline());
        await service.Runs.CancelRunAsync(new CancelRunRequest { RunId = alices2.Id }, Key(AdminKey), deadline: TestService.Deadline());

        var first = await service.CompleteAsync(alices, Key(AliceKey));
        var second = await service.CompleteAsync(alices2, Key(AliceKey));
        Assert.That(first.State, Is.EqualTo(RunState.Cancelled));
        Assert.That(second.State, Is.EqualTo(RunState.Cancelled));
    }

    [Test]
    public async Task CancelRun_KeylessCallerOnLoopback_AnonymousRunsOnlyKeyedByTheirKeyOrAdmin()
    {
        using var db = new TempDatabase();
        using var gate = new GatedExecutor();
        var options = TestService.OptionsFor(db.Path);
        options.ApiKeys.Add(new ApiKeyEntry { Key = AliceKey, Principal = "alice" });
        options.ApiKeys.Add(new ApiKeyEntry { Key = AdminKey, Principal = "ops", Admin = true });
        await using var service = await TestService.StartAsync(options,
            b => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<NetnsPolicy.Service.Scheduling.ISimulationExecutor>(b.Services, gate));

        var alices = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), Key(AliceKey), deadline: TestService.Deadline());
        var anonymous = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), deadline: TestService.Deadline());
        var anonymous2 = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 3), deadline: TestService.Deadline());

        var keyedByAnonymous = await RpcAssert.FailsWith(StatusCode.PermissionDenied,
            () => service.Runs.CancelRunAsync(new CancelRunRequest { RunId = alices.Id }, deadline: TestService.Deadline()).ResponseAsync);
        await service.Runs.CancelRunAsync(new CancelRunRequest { RunId = anonymous.Id }, deadline: TestService.Deadline());
        await service.Runs.CancelRunAsync(new CancelRunRequest { RunId = anonymous2.Id }, Key(AliceKey), deadline: TestService.Deadline());
        await service.Runs.CancelRunAsync(new CancelRunRequest { RunId = alices.Id }, Key(AliceKey), deadline: TestService.Deadline());
        var finals = new[] { await service.CompleteAsync(alices), await service.CompleteAsync(anonymous), await service.CompleteAsync(anonymous2) };

        var deleteByAnonymous = await RpcAssert.FailsWith(StatusCode.PermissionDenied,
            () => service.Runs.DeleteRunAsync(new DeleteRunRequest { RunId = alices.Id }, deadline: TestService.Deadline()).ResponseAsync);
        await service.Runs.DeleteRunAsync(new DeleteRunRequest { RunId = anonymous.Id }, deadline: TestService.Deadline());
        await service.Runs.DeleteRunAsync(new DeleteRunRequest { RunId = alices.Id }, Key(AdminKey), deadline: TestService.Deadline());
        var left = await service.Runs.ListRunsAsync(new ListRunsRequest(), deadline: TestService.Deadline());

        Assert.That(keyedByAnonymous.Status.Detail, Does.Contain(alices.Id));
        Assert.That(deleteByAnonymous.Status.Detail, Does.Contain(alices.Id));
        Assert.That(finals.Select(r => r.State), Is.All.EqualTo(RunState.Cancelled));
        Assert.That(left.Runs.Select(r => r.Id), Is.EqualTo(new[] { anonymous2.Id }));
    }

    [Test]
    public async Task ListPolicies_LoopbackWithoutKeys_Served()
    {
        using var db = new TempDatabase();
        var options = TestService.OptionsFor(db.Path);
        options.ApiKeys.Add(new ApiKeyEntry { Key = AliceKey, Principal = "alice" });
        await using var service = await TestService.StartAsync(options);

        var policies = await service.Catalog.ListPoliciesAsync(new ListPoliciesRequest(), deadline: TestService.Deadline());

        Assert.That(policies.Policies, Is.Not.Empty);
    }

    [Test]
    public void StartAsync_AllAddressesWithoutKeys_RefusesToStartNamingApiKeys()
    {
        using var db = new TempDatabase();
        var options = TestService.OptionsFor(db.Path);
        options.ListenAddress = "0.0.0.0";

        var e = Assert.ThrowsAsync<OptionsValidationException>(async () => await TestService.StartAsync(options));

        Assert.That(e!.Message, Does.Contain("ApiKeys"));
    }
}
