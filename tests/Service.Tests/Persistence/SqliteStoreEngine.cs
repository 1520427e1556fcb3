using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using NetnsPolicy.Service.Api;
using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests.Persistence;

/// <summary>The embedded store: a SQLite file in a temporary folder per test.</summary>
public sealed class SqliteStoreEngine : StoreEngine
{
    private readonly List<TempDatabase> _folders = [];

    private string Path => _folders[^1].Path;

    public override Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void NewStore() => _folders.Add(new TempDatabase());

    internal override IRunStore Open() => new SqliteRunStore(Options.Create(ServiceOptions()), new ProtobufRequestReader());

    internal override Hosting.ServiceOptions ServiceOptions() => TestService.OptionsFor(Path);

    public override long StoredSchemaVersion() => (long)Scalar("PRAGMA user_version")!;

    public override void SetStoredSchemaVersion(long version) => Scalar($"PRAGMA user_version = {version}");

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var folder in _folders)
        {
            folder.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    public override System.Data.Common.DbConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        return connection;
    }
}
