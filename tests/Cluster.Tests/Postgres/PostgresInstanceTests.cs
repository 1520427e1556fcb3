using NetnsPolicy.TestSupport;
using Npgsql;

namespace NetnsPolicy.Cluster.Tests.Postgres;

/// <summary>The private PostgreSQL the cluster tests run against: real SQL on loopback, and nothing left afterwards.</summary>
public sealed class PostgresInstanceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task StartAsync_ThenDispose_ServesSqlOnLoopbackAndLeavesNoServerNorFolder()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var instance = await PostgresInstance.StartAsync(cts.Token).WaitAsync(Timeout).ConfigureAwait(false);
        int pid;
        string folder;
        try
        {
            pid = instance.ServerProcessId;
            folder = instance.Directory;
            await using var connection = new NpgsqlConnection(instance.ConnectionString);
            await connection.OpenAsync(cts.Token).WaitAsync(Timeout).ConfigureAwait(false);
            await using (var create = new NpgsqlCommand("CREATE TABLE t (k text PRIMARY KEY, v bigint); INSERT INTO t VALUES ('a', 41), ('b', 1)", connection))
            {
                await create.ExecuteNonQueryAsync(cts.Token).WaitAsync(Timeout).ConfigureAwait(false);
            }

            await using var query = new NpgsqlCommand("SELECT sum(v), current_setting('data_directory'), host(inet_server_addr()), current_user FROM t", connection);
            await using var reader = await query.ExecuteReaderAsync(cts.Token).WaitAsync(Timeout).ConfigureAwait(false);
            Assert.That(await reader.ReadAsync(cts.Token).WaitAsync(Timeout).ConfigureAwait(false), Is.True);
            Assert.That(reader.GetInt64(0), Is.EqualTo(42));
            Assert.That(reader.GetString(1), Does.StartWith(folder));
            Assert.That(reader.GetString(2), Is.EqualTo("127.0.0.1"));
            Assert.That(reader.GetString(3), Is.EqualTo("postgres"));
            Assert.That(File.ReadAllText($"/proc/{pid}/status"), Does.Not.Contain("Uid:\t0\t"), "the server does not run as root");
        }
        finally
        {
            await instance.DisposeAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false);
        }

        Assert.That(Directory.Exists(folder), Is.False, "the instance's folder is removed");
        Assert.That(File.Exists($"/proc/{pid}/status") && !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ", StringComparison.Ordinal), Is.False, "the postmaster has exited");
    }

    [Test]
    public async Task StartAsync_TwoAtOnce_GetTheirOwnPortsAndFolders()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var first = PostgresInstance.StartAsync(cts.Token);
        var second = PostgresInstance.StartAsync(cts.Token);
        await using var a = await first.WaitAsync(Timeout).ConfigureAwait(false);
        await using var b = await second.WaitAsync(Timeout).ConfigureAwait(false);

        Assert.That(a.Port, Is.Not.EqualTo(b.Port));
        Assert.That(a.Directory, Is.Not.EqualTo(b.Directory));
        foreach (var instance in new[] { a, b })
        {
            await using var connection = new NpgsqlConnection(instance.ConnectionString);
            await connection.OpenAsync(cts.Token).WaitAsync(Timeout).ConfigureAwait(false);
            await using var port = new NpgsqlCommand("SELECT current_setting('port')", connection);
            Assert.That(await port.ExecuteScalarAsync(cts.Token).WaitAsync(Timeout).ConfigureAwait(false), Is.EqualTo(instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
