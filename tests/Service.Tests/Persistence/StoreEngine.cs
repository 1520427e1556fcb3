using NetnsPolicy.Service.Persistence;

namespace NetnsPolicy.Service.Tests.Persistence;

/// <summary>
/// One engine the store contract runs against: started once per fixture, a fresh isolated store per test
/// (<see cref="NewStore"/>), and the few engine-specific looks a contract test needs (row counts, the schema version).
/// </summary>
public abstract class StoreEngine : IAsyncDisposable
{
    public abstract Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Points <see cref="Open"/> at a new, empty store.</summary>
    public abstract void NewStore();

    /// <summary>Opens the current store (again: another process's view of the same store).</summary>
    internal abstract IRunStore Open();

    /// <summary>Service options using the current store.</summary>
    internal abstract Hosting.ServiceOptions ServiceOptions();

    /// <summary>The schema version the current store records.</summary>
    public abstract long StoredSchemaVersion();

    /// <summary>Records another schema version in the current store (as a newer build would).</summary>
    public abstract void SetStoredSchemaVersion(long version);

    /// <summary>A connection of its own to the current store.</summary>
    public abstract System.Data.Common.DbConnection Connect();

    /// <summary>Rows of a table of the current store.</summary>
    public long Count(string table) => Convert.ToInt64(Scalar($"SELECT count(*) FROM {table}"), System.Globalization.CultureInfo.InvariantCulture);

    public abstract ValueTask DisposeAsync();

    /// <summary>One value a query of the current store gives.</summary>
    protected object? Scalar(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
