using Grpc.Core;
using Grpc.Health.V1;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Tests.Support;
using NetnsPolicy.TestSupport;
using Npgsql;

namespace NetnsPolicy.Service.Tests.Persistence;

/// <summary>
/// The PostgreSQL store's faults show as the SQLite store's do (<see cref="StoreFaultTests"/>): a database that cannot
/// write, or a server that does not answer, turns health NOT_SERVING and refuses new runs with UNAVAILABLE naming the
/// store, and the service recovers by itself once the database writes again.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgresStoreFaultTests : PostgresServerFixture
{
    [Test]
    public async Task SubmitComparison_DatabaseReadOnly_UnavailableNotServingThenRecovers()
    {
        Execute("CREATE DATABASE store_faults");
        var options = TestService.OptionsFor(Path.Combine(Path.GetTempPath(), "netns-policy-unused-sqlite.db"));
        options.StoreConnectionString = new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = "store_faults" }.ConnectionString;
        await using var service = await TestService.StartAsync(options);
        var health = new Health.HealthClient(service.Channel);
        await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline()));

        // Every new session of the database is read-only from here (the test's connections are not pooled).
        Execute("ALTER DATABASE store_faults SET default_transaction_read_only = on");
        var refused = await RpcAssert.FailsWith(StatusCode.Unavailable,
            () => service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), deadline: TestService.Deadline()).ResponseAsync);
        var notServing = await health.CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
        Execute("ALTER DATABASE store_faults RESET default_transaction_read_only");
        var serving = await health.CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
        var after = await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), deadline: TestService.Deadline()));

        Assert.That(refused.Status.Detail, Does.Contain("cannot write").And.Contain($"postgresql://127.0.0.1:{Server.Port}/store_faults").And.Contain("read-only transaction"));
        Assert.That(notServing.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
        Assert.That(serving.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        Assert.That(after.State, Is.EqualTo(RunState.Succeeded));
    }

    [Test]
    public async Task SubmitComparison_ServerStoppedThenBack_UnavailableNotServingThenRecovers()
    {
        await using var server = await PostgresInstance.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        var options = TestService.OptionsFor(Path.Combine(Path.GetTempPath(), "netns-policy-unused-sqlite.db"));
        options.StoreConnectionString = server.ConnectionString;
        await using var service = await TestService.StartAsync(options);
        var health = new Health.HealthClient(service.Channel);
        var first = await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline()));

        using var cts = new CancellationTokenSource(Timeout);
        await server.StopAsync(cts.Token).WaitAsync(Timeout);
        var refused = await RpcAssert.FailsWith(StatusCode.Unavailable,
            () => service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), deadline: TestService.Deadline()).ResponseAsync);
        var notServing = await health.CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
        await server.RestartAsync(cts.Token).WaitAsync(Timeout);
        var serving = await health.CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
        var listed = await service.Runs.ListRunsAsync(new ListRunsRequest(), deadline: TestService.Deadline());

        Assert.That(refused.Status.Detail, Does.Contain("cannot write").And.Contain($"postgresql://127.0.0.1:{server.Port}/postgres"));
        Assert.That(notServing.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
        Assert.That(serving.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        Assert.That(listed.Runs.Select(r => r.Id), Is.EqualTo(new[] { first.Id }), "the store's runs are served again");
    }

    [Test]
    public async Task StartAsync_ServerNotAnswering_NotServingAndUnavailable()
    {
        var options = TestService.OptionsFor(Path.Combine(Path.GetTempPath(), "netns-policy-unused-sqlite.db"));
        options.StoreConnectionString = $"Host=127.0.0.1;Port={FreePort()};Username=postgres;Database=postgres;Pooling=false;Timeout=5";
        await using var service = await TestService.StartAsync(options);
        var health = new Health.HealthClient(service.Channel);

        var notServing = await health.CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
        var refused = await RpcAssert.FailsWith(StatusCode.Unavailable,
            () => service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(notServing.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
        Assert.That(refused.Status.Detail, Does.Contain("cannot write").And.Contain("postgresql://127.0.0.1:"));
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(Server.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>A loopback port nothing listens on (bound and released: nothing else on this machine takes it within the test).</summary>
    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
