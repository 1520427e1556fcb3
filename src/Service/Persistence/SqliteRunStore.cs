using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using NetnsPolicy.Service.Hosting;

namespace NetnsPolicy.Service.Persistence;

/// <summary>
/// The embedded store: one SQLite file (<see cref="ServiceOptions.DatabasePath"/>) in WAL mode. At open,
/// <c>PRAGMA quick_check</c> and <c>PRAGMA user_version</c> (the schema version) are checked before anything is read
/// or written, and stores of schemas 1 to 3 are migrated. The file shrinks after deletions
/// (<c>auto_vacuum = INCREMENTAL</c>, and <c>PRAGMA incremental_vacuum</c> after each delete).
/// </summary>
internal sealed class SqliteRunStore : SqlRunStore
{
    private readonly string _connectionString;
    private readonly string _file;
    private readonly IProtobufRequestReader _protobufRequests;

    public SqliteRunStore(IOptions<ServiceOptions> options, IProtobufRequestReader protobufRequests)
    {
        var path = Path.GetFullPath(options.Value.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _file = path;
        _protobufRequests = protobufRequests;
        Open();
    }

    protected override string Name => _file;

    protected override string UsedBytesSql => "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()";

    /// <summary>Closes the pooled connections, so the database file is free once the service stops.</summary>
    public override void Dispose() => ResetConnections();

    protected override DbConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    // Pooled connections may have opened read-only (SQLite falls back to that on a read-only file system).
    protected override void ResetConnections()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>SQLITE_PERM, READONLY, IOERR, FULL, CANTOPEN: the store cannot write (primary result codes).</summary>
    protected override bool IsWriteFault(DbException error) => error is SqliteException e && (e.SqliteErrorCode & 0xFF) is 3 or 8 or 10 or 13 or 14;

    protected override void Initialize()
    {
        using var connection = (SqliteConnection)OpenConnection();
        using var command = connection.CreateCommand();
        var version = CheckIntegrity(connection);
        if (version == 1)
        {
            // Migration 1 → 2: runs gain their owner (runs stored before have none: any key or admin may change them).
            // and states and kinds by the service's names instead of the proto enums' numbers (the columns keep their
            // declared INTEGER type; SQLite stores the names as text in them).
            command.CommandText = "ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT ''; " + StoreNames.MigrateStatesSql;
            command.ExecuteNonQuery();
        }

        if (version is 1 or 2)
        {
            MigrateRequestsToJson(connection);
        }

        if (version is >= 1 and <= 3)
        {
            using var tx = connection.BeginTransaction();
            MigrateToCompressed(connection, tx, "BLOB", "x''");
            tx.Commit();
        }

        // auto_vacuum takes effect on a new file when set before its first table (an older file: VACUUM below). WAL
        // lets readers (GetRun, WatchRun) proceed while a worker commits a result. The last statement writes: a store
        // that opened read-only (a read-only mount) shows as such at start.
        command.CommandText = $"""
            PRAGMA auto_vacuum = INCREMENTAL;
            PRAGMA journal_mode = WAL;
            PRAGMA foreign_keys = ON;
            {Tables("INTEGER", "TEXT", "BLOB")}
            PRAGMA user_version = {CurrentSchemaVersion};
            {ProbeSql};
            """;
        command.Parameters.AddWithValue("@at", 0);
        command.ExecuteNonQuery();

        // A store created before schema 4 has no auto-vacuum: one VACUUM rewrites it with it (and gives back the
        // space the migration freed). It needs as much free disk as the file takes, once.
        command.Parameters.Clear();
        command.CommandText = "PRAGMA auto_vacuum";
        if ((long)command.ExecuteScalar()! != 2)
        {
            command.CommandText = "VACUUM";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Gives the pages the deleted rows freed back to the file system.</summary>
    protected override void AfterDelete(DbConnection connection)
    {
        using var command = Command(connection, "PRAGMA incremental_vacuum");
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Migration 2 → 3: each run's request goes from protobuf bytes (<c>request</c>) to the service's own record as
    /// JSON (<c>request_json</c>, <see cref="StoredRequest"/>); the bytes column is dropped. One transaction: a
    /// store is migrated whole or not at all.
    /// </summary>
    private void MigrateRequestsToJson(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "ALTER TABLE runs ADD COLUMN request_json TEXT NOT NULL DEFAULT ''";
        command.ExecuteNonQuery();
        var requests = new List<(string Id, string Json)>();
        command.CommandText = "SELECT id, request FROM runs";
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var bytes = (byte[])reader.GetValue(reader.GetOrdinal("request"));
                requests.Add((Text(reader, "id"), StoredRequest.From(_protobufRequests.Read(bytes)).ToJson()));
            }
        }

        command.CommandText = "UPDATE runs SET request_json = $json WHERE id = $id";
        var json = command.Parameters.Add("$json", SqliteType.Text);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        foreach (var (runId, text) in requests)
        {
            id.Value = runId;
            json.Value = text;
            command.ExecuteNonQuery();
        }

        command.Parameters.Clear();
        command.CommandText = "ALTER TABLE runs DROP COLUMN request";
        command.ExecuteNonQuery();
        tx.Commit();
    }

    /// <summary>
    /// <c>PRAGMA quick_check</c> and the schema version before anything is read or written: a corrupt store, or one a
    /// newer build wrote, stops the start with a message naming the file and what to do, instead of serving errors
    /// and writing new runs into it.
    /// </summary>
    private long CheckIntegrity(SqliteConnection connection)
    {
        var file = _file;
        var problems = new List<string>();
        long version;
        try
        {
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check(5)";
            using (var reader = check.ExecuteReader())
            {
                while (reader.Read())
                {
                    problems.Add(reader.GetString(0));
                }
            }

            check.CommandText = "PRAGMA user_version";
            version = (long)check.ExecuteScalar()!;
        }
        catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) is 11 or 26)
        {
            throw new InvalidOperationException(
                $"the run store '{file}' cannot be read ({e.Message}); it is not a SQLite database or is damaged: stop the service, move the file aside (keep it for inspection) and start again with an empty store, or restore a backup", e);
        }

        if (problems.Count > 0 && !(problems.Count == 1 && problems[0] == "ok"))
        {
            throw new InvalidOperationException(
                $"the run store '{file}' is corrupt (PRAGMA quick_check: {string.Join("; ", problems.Take(5))}); stop the service, move the file aside (keep it for inspection) and start again with an empty store, or restore a backup");
        }

        if (version > CurrentSchemaVersion)
        {
            throw new InvalidOperationException(
                $"the run store '{file}' has schema version {version}, newer than this build's {CurrentSchemaVersion}; run the build that wrote it, or point DatabasePath at another file");
        }

        return version;
    }
}
