using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace NetnsPolicy.Service.Persistence;

/// <summary>
/// The shared store for several service processes (cluster mode): the same tables as <see cref="SqliteRunStore"/> in
/// one PostgreSQL database, the schema version in <c>store_schema</c>. Every process may open it at once: the schema
/// is created or checked under a transaction-scoped advisory lock, so exactly one creates it. Results are inserted
/// only when absent (<c>ON CONFLICT DO NOTHING</c> semantics, see <see cref="SqlRunStore"/>), so two silos finishing
/// the same simulation store it once.
/// </summary>
internal sealed class PostgresRunStore : SqlRunStore
{
    /// <summary>The advisory lock key the schema is created or migrated under (any constant; "netns" in ASCII).</summary>
    private const long SchemaLock = 0x6E65746E73;

    /// <summary>The advisory lock key admissions against the store's count are serialised under ("nsadmit" in ASCII).</summary>
    private const long AdmissionLock = 0x6E7361646D6974;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _name;
    private readonly Lock _holdGate = new();
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private NpgsqlConnection? _holdConnection;

    public PostgresRunStore(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Store:ConnectionString is not a PostgreSQL connection string ({e.Message})", e);
        }

        _name = $"postgresql://{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        _dataSource = NpgsqlDataSource.Create(builder);
        Open();
    }

    protected override string Name => _name;

    /// <summary>
    /// The bytes of the live rows (not of the tables' files, which keep their size after a DELETE until vacuumed, so
    /// that retention by size stops once enough rows are gone).
    /// </summary>
    protected override string UsedBytesSql => """
        SELECT (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM runs t)
             + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM run_simulations t)
             + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM results t)
             + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM tournaments t)
             + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM tournament_simulations t)
        """;

    public override void Dispose()
    {
        lock (_holdGate)
        {
            _holdConnection?.Dispose();
            _holdConnection = null;
        }

        _dataSource.Dispose();
    }

    /// <summary>
    /// A session-level advisory lock per run or tournament, on one connection this process keeps open: another silo
    /// starting sees it held and leaves the run to this one; when this process dies its session ends and the locks go
    /// with it, so the next silo to start resumes what it left.
    /// </summary>
    public override bool TryHold(string id)
    {
        lock (_holdGate)
        {
            if (_held.Contains(id))
            {
                return true;
            }

            try
            {
                using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", HoldConnection());
                command.Parameters.AddWithValue("key", HoldKey(id));
                var granted = (bool)command.ExecuteScalar()!;
                if (granted)
                {
                    _held.Add(id);
                }

                return granted;
            }
            catch (NpgsqlException)
            {
                // The server is not answering: nothing can be claimed now.
                return false;
            }
        }
    }

    public override void Release(string id)
    {
        lock (_holdGate)
        {
            if (!_held.Remove(id) || _holdConnection is null)
            {
                return;
            }

            try
            {
                using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _holdConnection);
                command.Parameters.AddWithValue("key", HoldKey(id));
                command.ExecuteScalar();
            }
            catch (NpgsqlException)
            {
                // The connection is gone, and the lock with it.
            }
        }
    }

    private NpgsqlConnection HoldConnection()
    {
        if (_holdConnection is { State: System.Data.ConnectionState.Open })
        {
            return _holdConnection;
        }

        // A new session: the locks of the one that broke went with it; they are taken again where still free.
        _holdConnection?.Dispose();
        _holdConnection = _dataSource.OpenConnection();
        foreach (var id in _held.ToList())
        {
            using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", _holdConnection);
            command.Parameters.AddWithValue("key", HoldKey(id));
            if (!(bool)command.ExecuteScalar()!)
            {
                _held.Remove(id);
            }
        }

        return _holdConnection;
    }

    /// <summary>The lock key of an id: the first 8 bytes of its SHA-256 (the same in every process, unlike string hashes).</summary>
    private static long HoldKey(string id) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("netnspolicy-hold/" + id)), 0);

    protected override void LockAdmission(DbConnection connection, DbTransaction transaction)
    {
        using var command = Command(connection, $"SELECT pg_advisory_xact_lock({AdmissionLock})", transaction);
        command.ExecuteNonQuery();
    }

    protected override DbConnection OpenConnection() => _dataSource.OpenConnection();

    protected override void ResetConnections() => _dataSource.Clear();

    /// <summary>
    /// The server cannot be reached or cannot write: connection failures (class 08), insufficient resources such as a
    /// full disk (53), operator intervention such as a shutdown (57P), a read-only transaction (25006), and Npgsql's
    /// own I/O and timeout errors.
    /// </summary>
    protected override bool IsWriteFault(DbException error) => error switch
    {
        PostgresException e => e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.SqlState.StartsWith("53", StringComparison.Ordinal)
            || e.SqlState.StartsWith("57P", StringComparison.Ordinal) || e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction,
        NpgsqlException => true,
        _ => false,
    };

    protected override void Initialize()
    {
        using var connection = _dataSource.OpenConnection();
        using var tx = connection.BeginTransaction();
        using var command = Command(connection, $"SELECT pg_advisory_xact_lock({SchemaLock}); CREATE TABLE IF NOT EXISTS store_schema (version INTEGER NOT NULL)", tx);
        command.ExecuteNonQuery();
        command.CommandText = "SELECT max(version) FROM store_schema";
        var version = command.ExecuteScalar() is int v ? v : 0;
        if (version > CurrentSchemaVersion)
        {
            throw new InvalidOperationException(
                $"the run store '{_name}' has schema version {version}, newer than this build's {CurrentSchemaVersion}; run the build that wrote it, or point Store:ConnectionString at another database");
        }

        // A PostgreSQL store started at schema 3 (schemas 1 and 2 were SQLite only); an empty database gets the
        // current tables. Migrations run here, in this transaction, as in SqliteRunStore.
        if (version == 3)
        {
            MigrateToCompressed(connection, tx, "BYTEA", "''::bytea");
        }

        command.CommandText = Tables("BIGINT", "TEXT COLLATE \"C\"", "BYTEA");
        command.ExecuteNonQuery();
        if (version < CurrentSchemaVersion)
        {
            command.CommandText = $"DELETE FROM store_schema; INSERT INTO store_schema (version) VALUES ({CurrentSchemaVersion})";
            command.ExecuteNonQuery();
        }

        command.CommandText = ProbeSql;
        Add(command, "at", 0L);
        command.ExecuteNonQuery();
        tx.Commit();
    }
}
