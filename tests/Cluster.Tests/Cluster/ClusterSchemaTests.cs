using NetnsPolicy.Cluster.Schema;
using NetnsPolicy.TestSupport;
using Npgsql;

namespace NetnsPolicy.Cluster.Tests.Cluster;

/// <summary>The cluster's own PostgreSQL schema for Orleans' ADO.NET clustering provider.</summary>
public sealed class ClusterSchemaTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // The clustering keys Orleans' provider requires (DbStoredQueries, CLUSTERING_ADONET): it refuses to start without any.
    private static readonly string[] ProviderKeys =
    [
        "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey",
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
    ];

    [Test]
    public async Task ApplyAsync_FourSilosAtOnce_AppliedOnceWithEveryProviderQuery()
    {
        await using var postgres = await PostgresInstance.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = true }.ConnectionString);

        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ClusterSchema.ApplyAsync(source, CancellationToken.None))).WaitAsync(Timeout);
        var again = await ClusterSchema.ApplyAsync(source, CancellationToken.None).WaitAsync(Timeout);

        Assert.That(applied.Count(a => a), Is.EqualTo(1), "one silo applies it; the others wait on the advisory lock and find it done");
        Assert.That(again, Is.False);
        var keys = new List<string>();
        await using (var command = source.CreateCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        Assert.That(keys, Is.EqualTo(ProviderKeys));
        await using var version = source.CreateCommand("SELECT version FROM netns_cluster_schema");
        Assert.That(await version.ExecuteScalarAsync(), Is.EqualTo(ClusterSchema.Version));
    }

    [Test]
    public async Task MembershipQueries_InsertAtStaleVersion_RefusedAndNothingChanges()
    {
        await using var postgres = await PostgresInstance.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        await using var source = NpgsqlDataSource.Create(postgres.ConnectionString);
        await ClusterSchema.ApplyAsync(source, CancellationToken.None).WaitAsync(Timeout);
        var queries = ClusterSchema.Queries.ToDictionary(q => q.Key, q => q.Value);

        Assert.That(await ScalarAsync(source, queries["InsertMembershipVersionKey"], ("DeploymentId", "c")), Is.True);
        Assert.That(await ScalarAsync(source, queries["InsertMembershipVersionKey"], ("DeploymentId", "c")), Is.False, "the version row exists");
        Assert.That(await InsertAsync(source, queries, version: 0), Is.True, "at the version read");
        Assert.That(await InsertAsync(source, queries, version: 0, port: 2), Is.False, "version 0 is stale: another silo wrote since");
        Assert.That(await InsertAsync(source, queries, version: 1), Is.False, "the same silo twice");

        await using var read = source.CreateCommand(queries["MembershipReadAllKey"]);
        read.Parameters.AddWithValue("DeploymentId", "c");
        await using var reader = await read.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(reader.GetInt32(reader.GetOrdinal("Version")), Is.EqualTo(1), "only the successful insert bumped the version");
        Assert.That(reader.GetInt32(reader.GetOrdinal("Port")), Is.EqualTo(1));
        Assert.That(await reader.ReadAsync(), Is.False);
    }

    private static Task<bool> InsertAsync(NpgsqlDataSource source, Dictionary<string, string> queries, int version, int port = 1) =>
        ScalarAsync(source, queries["InsertMembershipKey"],
            ("DeploymentId", "c"), ("Address", "127.0.0.1"), ("Port", port), ("Generation", 7), ("SiloName", "s"), ("HostName", "h"),
            ("Status", 3), ("ProxyPort", 30000), ("StartTime", DateTime.UtcNow), ("IAmAliveTime", DateTime.UtcNow), ("Version", version));

    private static async Task<bool> ScalarAsync(NpgsqlDataSource source, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = source.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (bool)(await command.ExecuteScalarAsync().WaitAsync(Timeout))!;
    }
}
