using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Service.Tests.Support;
using NetnsPolicy.TestSupport;
using Npgsql;

namespace NetnsPolicy.Service.Tests.Persistence;

/// <summary>
/// The shared store: one private PostgreSQL server per fixture (<see cref="PostgresInstance"/>: initdb on a loopback
/// port in a temporary folder, stopped afterwards), a schema of its own per test (its <c>search_path</c>).
/// </summary>
public sealed class PostgresStoreEngine : StoreEngine
{
    private PostgresInstance? _server;
    private string _connectionString = "";
    private int _stores;

    public override async Task StartAsync(CancellationToken cancellationToken) =>
        _server = await PostgresInstance.StartAsync(cancellationToken).ConfigureAwait(false);

    public override void NewStore()
    {
        var schema = $"store_{++_stores}";
        using (var connection = new NpgsqlConnection(_server!.ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            command.ExecuteNonQuery();
        }

        _connectionString = new NpgsqlConnectionStringBuilder(_server.ConnectionString) { SearchPath = schema }.ConnectionString;
    }

    internal override IRunStore Open() => new PostgresRunStore(_connectionString);

    internal override Hosting.ServiceOptions ServiceOptions()
    {
        var options = TestService.OptionsFor(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netns-policy-unused-sqlite.db"));
        options.StoreConnectionString = _connectionString;
        return options;
    }

    public override long StoredSchemaVersion() => Convert.ToInt64(Scalar("SELECT max(version) FROM store_schema"), System.Globalization.CultureInfo.InvariantCulture);

    public override void SetStoredSchemaVersion(long version) => Scalar($"UPDATE store_schema SET version = {version}");

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override System.Data.Common.DbConnection Connect()
    {
        var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
