using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Persistence;

/// <summary>
/// Runs, simulation results and reports in SQLite. A run's inputs are written in one transaction when it is accepted,
/// each simulation's result when it finishes, and the run's outcome with its report in one transaction at the end.
/// Results are content-addressed by their result key, so an identical simulation is served from here.
/// </summary>
internal sealed class RunStore : IDisposable
{
    /// <summary>1: runs, run_simulations, results. 2: runs.owner, states and kinds by name; tournaments and tournament_simulations; store_probe.</summary>
    private const int SchemaVersion = 3;
    private readonly string _connectionString;
    private readonly string _file;
    private readonly Lock _deferredGate = new();
    private readonly List<(string Id, RunState State, string Detail, DateTimeOffset At)> _deferred = [];
    private volatile string? _fault;
    private volatile bool _initialized;

    public RunStore(IOptions<ServiceOptions> options)
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
        try
        {
            Initialize();
            _initialized = true;
        }
        catch (SqliteException e) when (IsWriteFault(e))
        {
            // Read-only or full at start: the service starts NOT_SERVING and opens the store once it can write.
            _fault = Describe(e);
        }
    }

    /// <summary>Closes the pooled connections, so the database file is free once the service stops.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    public bool IsReachable()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM runs";
        return command.ExecuteScalar() is long;
    }

    /// <summary>Stores an accepted run with its simulations; those found in <paramref name="fromStore"/> are stored finished.</summary>
    public void InsertRun(string id, RunPlan plan, DateTimeOffset createdAt, IReadOnlyDictionary<int, string> fromStore, string owner = "") =>
        Write(() => InsertRunCore(id, plan, createdAt, fromStore, owner));

    private void InsertRunCore(string id, RunPlan plan, DateTimeOffset createdAt, IReadOnlyDictionary<int, string> fromStore, string owner)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = """
                INSERT INTO runs (id, kind, state, status_detail, workload, kernel_profile, baseline, policies, description,
                                  request_json, request_hash, created_at, owner)
                VALUES ($id, $kind, $state, '', $workload, $profile, $baseline, $policies, $description, $request, $hash, $created, $owner)
                """;
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$kind", StoreNames.Of(plan.Kind));
            command.Parameters.AddWithValue("$state", StoreNames.Of(RunState.Queued));
            command.Parameters.AddWithValue("$workload", plan.WorkloadName);
            command.Parameters.AddWithValue("$profile", plan.KernelProfile);
            command.Parameters.AddWithValue("$baseline", plan.Baseline);
            command.Parameters.AddWithValue("$policies", JsonSerializer.Serialize(plan.Contenders.Select(c => c.Label)));
            command.Parameters.AddWithValue("$description", plan.Request.Description);
            command.Parameters.AddWithValue("$request", StoredRequest.From(plan.Request).ToJson());
            command.Parameters.AddWithValue("$hash", plan.RequestHash);
            command.Parameters.AddWithValue("$created", createdAt.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        }

        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = """
                INSERT INTO run_simulations (run_id, idx, label, parameters, seed, replication, result_key, status, from_store)
                VALUES ($run, $idx, $label, $parameters, $seed, $replication, $key, $status, $from_store)
                """;
            var run = command.Parameters.Add("$run", SqliteType.Text);
            var idx = command.Parameters.Add("$idx", SqliteType.Integer);
            var label = command.Parameters.Add("$label", SqliteType.Text);
            var parameters = command.Parameters.Add("$parameters", SqliteType.Text);
            var seed = command.Parameters.Add("$seed", SqliteType.Text);
            var replication = command.Parameters.Add("$replication", SqliteType.Integer);
            var key = command.Parameters.Add("$key", SqliteType.Text);
            var status = command.Parameters.Add("$status", SqliteType.Text);
            var stored = command.Parameters.Add("$from_store", SqliteType.Integer);
            foreach (var s in plan.Simulations)
            {
                run.Value = id;
                idx.Value = s.Index;
                label.Value = s.Label;
                parameters.Value = s.CanonicalParameters;
                seed.Value = s.Seed.ToString(CultureInfo.InvariantCulture);
                replication.Value = s.Replication;
                key.Value = s.ResultKey;
                status.Value = fromStore.TryGetValue(s.Index, out var st) ? st : "";
                stored.Value = fromStore.ContainsKey(s.Index) ? 1 : 0;
                command.ExecuteNonQuery();
            }
        }

        tx.Commit();
    }

    /// <summary>Statuses of the stored results among <paramref name="keys"/>.</summary>
    public Dictionary<string, string> FindResults(IEnumerable<string> keys) => ReadResultColumn(keys, "status");

    /// <summary>The stored result JSON by key.</summary>
    public Dictionary<string, string> ReadResults(IEnumerable<string> keys) => ReadResultColumn(keys, "json");

    private Dictionary<string, string> ReadResultColumn(IEnumerable<string> keys, string column)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {column} FROM results WHERE key = $key";
        var p = command.Parameters.Add("$key", SqliteType.Text);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            p.Value = key;
            if (command.ExecuteScalar() is string value)
            {
                found[key] = value;
            }
        }

        return found;
    }

    /// <summary>Marks a run running (first simulation started).</summary>
    public void MarkStarted(string id, DateTimeOffset at) => Write(() => MarkStartedCore(id, at));

    private void MarkStartedCore(string id, DateTimeOffset at)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE runs SET state = $state, started_at = coalesce(started_at, $at) WHERE id = $id AND state IN ($queued, $state)";
        command.Parameters.AddWithValue("$state", StoreNames.Of(RunState.Running));
        command.Parameters.AddWithValue("$queued", StoreNames.Of(RunState.Queued));
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    /// <summary>Stores one finished simulation: its result (content-addressed, kept if already there) and its status in the run.</summary>
    public void CompleteSimulation(string runId, int index, string resultKey, string status, string json) =>
        Write(() => CompleteSimulationCore(runId, index, resultKey, status, json));

    private void CompleteSimulationCore(string runId, int index, string resultKey, string status, string json)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            // A budget-exceeded result says what this server's budget allowed, not what the simulation gives: a later
            // run (under another budget) replaces it instead of being served it.
            command.CommandText = """
                INSERT INTO results (key, status, json) VALUES ($key, $status, $json)
                ON CONFLICT (key) DO UPDATE SET status = excluded.status, json = excluded.json WHERE results.status = 'budget-exceeded'
                """;
            command.Parameters.AddWithValue("$key", resultKey);
            command.Parameters.AddWithValue("$status", status);
            command.Parameters.AddWithValue("$json", json);
            command.ExecuteNonQuery();
        }

        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = "UPDATE run_simulations SET status = $status WHERE run_id = $run AND idx = $idx";
            command.Parameters.AddWithValue("$status", status);
            command.Parameters.AddWithValue("$run", runId);
            command.Parameters.AddWithValue("$idx", index);
            command.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>Stores a run's terminal state and, for a succeeded run, its report, in one transaction.</summary>
    public void Finish(string id, RunState state, string detail, DateTimeOffset at, string? reportJson) =>
        Write(() => FinishCore(id, state, detail, at, reportJson));

    /// <summary>
    /// Stores a run's terminal state once the store can write again (a run that ended while it could not: marked
    /// FAILED with the cause when space returns, instead of staying RUNNING).
    /// </summary>
    public void FinishWhenWritable(string id, RunState state, string detail, DateTimeOffset at)
    {
        lock (_deferredGate)
        {
            _deferred.Add((id, state, detail, at));
        }

        TryRecover();
    }

    private void FinishCore(string id, RunState state, string detail, DateTimeOffset at, string? reportJson)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            UPDATE runs SET state = $state, status_detail = $detail, finished_at = $at, report = $report,
                            started_at = coalesce(started_at, $at)
            WHERE id = $id
            """;
        command.Parameters.AddWithValue("$state", StoreNames.Of(state));
        command.Parameters.AddWithValue("$detail", detail);
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$report", (object?)reportJson ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
        tx.Commit();
    }

    public StoredRun? GetRun(string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = SelectRun + " WHERE r.id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRun(reader) : null;
    }

    /// <summary>Runs newest first, created before <paramref name="beforeId"/> when given.</summary>
    public List<StoredRun> ListRuns(int limit, string? beforeId, IReadOnlyCollection<RunState> states)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (beforeId is not null)
        {
            where.Add("r.id < $before");
            command.Parameters.AddWithValue("$before", beforeId);
        }

        if (states.Count > 0)
        {
            var names = states.Select((s, i) => (Parameter: "$state" + i.ToString(CultureInfo.InvariantCulture), Name: StoreNames.Of(s))).ToList();
            where.Add($"r.state IN ({string.Join(",", names.Select(n => n.Parameter))})");
            foreach (var (parameter, name) in names)
            {
                command.Parameters.AddWithValue(parameter, name);
            }
        }

        command.CommandText = SelectRun + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY r.id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var runs = new List<StoredRun>();
        while (reader.Read())
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    /// <summary>Ids of runs left queued or running (by a previous process), oldest first.</summary>
    public List<string> UnfinishedRunIds()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM runs WHERE state IN ($queued, $running) ORDER BY id";
        command.Parameters.AddWithValue("$queued", StoreNames.Of(RunState.Queued));
        command.Parameters.AddWithValue("$running", StoreNames.Of(RunState.Running));
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public List<StoredSimulation> GetSimulations(string runId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT idx, label, parameters, seed, replication, result_key, status, from_store
            FROM run_simulations WHERE run_id = $run ORDER BY idx
            """;
        command.Parameters.AddWithValue("$run", runId);
        using var reader = command.ExecuteReader();
        var list = new List<StoredSimulation>();
        while (reader.Read())
        {
            list.Add(new StoredSimulation((int)Integer(reader, "idx"), Text(reader, "label"), Text(reader, "parameters"),
                ulong.Parse(Text(reader, "seed"), CultureInfo.InvariantCulture), (int)Integer(reader, "replication"), Text(reader, "result_key"),
                Text(reader, "status"), Integer(reader, "from_store") != 0));
        }

        return list;
    }

    /// <summary>The stored report JSON of a run, or null.</summary>
    public string? GetReport(string runId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT report FROM runs WHERE id = $id";
        command.Parameters.AddWithValue("$id", runId);
        return command.ExecuteScalar() as string;
    }

    /// <summary>
    /// Deletes a finished run with its simulations and report, and the results no run or tournament references any
    /// more. Returns the number of results deleted; throws when the run is not there.
    /// </summary>
    public int DeleteRun(string id) => DeleteWithResults(id, """
        INSERT OR IGNORE INTO temp.doomed SELECT result_key FROM run_simulations WHERE run_id = $id;
        DELETE FROM run_simulations WHERE run_id = $id;
        DELETE FROM runs WHERE id = $id;
        """);

    /// <summary>
    /// Runs <paramref name="deleteRows"/> (which lists the result keys it releases in <c>temp.doomed</c>) and deletes
    /// those results that no run or tournament references any more, in one transaction; returns how many.
    /// </summary>
    private int DeleteWithResults(string id, string deleteRows)
    {
        var deleted = 0;
        Write(() =>
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "CREATE TEMP TABLE IF NOT EXISTS doomed (key TEXT PRIMARY KEY); DELETE FROM temp.doomed; " + deleteRows;
            command.Parameters.AddWithValue("$id", id);
            command.ExecuteNonQuery();
            command.CommandText = """
                DELETE FROM results WHERE key IN (SELECT key FROM temp.doomed)
                  AND key NOT IN (SELECT result_key FROM run_simulations)
                  AND key NOT IN (SELECT result_key FROM tournament_simulations)
                """;
            deleted = command.ExecuteNonQuery();
            tx.Commit();
        });
        return deleted;
    }

    /// <summary>Bytes the store's pages hold (page count less free pages, times page size).</summary>
    public long UsedBytes()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Ids of finished runs, oldest first; created before <paramref name="before"/> when given.</summary>
    public List<string> FinishedRunIds(DateTimeOffset? before, int limit)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM runs WHERE state NOT IN ($queued, $running)" + (before is null ? "" : " AND created_at < $before") + " ORDER BY id LIMIT $limit";
        command.Parameters.AddWithValue("$queued", StoreNames.Of(RunState.Queued));
        command.Parameters.AddWithValue("$running", StoreNames.Of(RunState.Running));
        command.Parameters.AddWithValue("$limit", limit);
        if (before is { } b)
        {
            command.Parameters.AddWithValue("$before", b.ToUnixTimeMilliseconds());
        }

        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Stores an accepted tournament: its definition (the file's text), owner and budget.</summary>
    public void InsertTournament(StoredTournament t) => Write(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO tournaments (id, name, owner, state, status_detail, definition, time_budget_ms, simulations_total, created_at)
            VALUES ($id, $name, $owner, $state, '', $definition, $budget, $total, $created)
            """;
        command.Parameters.AddWithValue("$id", t.Id);
        command.Parameters.AddWithValue("$name", t.Name);
        command.Parameters.AddWithValue("$owner", t.Owner);
        command.Parameters.AddWithValue("$state", t.State);
        command.Parameters.AddWithValue("$definition", t.Definition);
        command.Parameters.AddWithValue("$budget", t.TimeBudget is { } b ? (long)b.TotalMilliseconds : DBNull.Value);
        command.Parameters.AddWithValue("$total", t.SimulationsTotal);
        command.Parameters.AddWithValue("$created", t.CreatedAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    });

    /// <summary>Stores a tournament's terminal state.</summary>
    public void FinishTournament(string id, string state, string detail, DateTimeOffset at) => Write(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE tournaments SET state = $state, status_detail = $detail, finished_at = $at WHERE id = $id";
        command.Parameters.AddWithValue("$state", state);
        command.Parameters.AddWithValue("$detail", detail);
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    });

    /// <summary>Stores one simulation a tournament ran: its result (content-addressed, shared with runs) and the reference.</summary>
    public void AddTournamentResult(string tournamentId, string resultKey, string status, string json) => Write(() =>
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            INSERT INTO results (key, status, json) VALUES ($key, $status, $json)
            ON CONFLICT (key) DO UPDATE SET status = excluded.status, json = excluded.json WHERE results.status = 'budget-exceeded';
            INSERT OR IGNORE INTO tournament_simulations (tournament_id, result_key) VALUES ($tournament, $key);
            """;
        command.Parameters.AddWithValue("$key", resultKey);
        command.Parameters.AddWithValue("$status", status);
        command.Parameters.AddWithValue("$json", json);
        command.Parameters.AddWithValue("$tournament", tournamentId);
        command.ExecuteNonQuery();
        tx.Commit();
    });

    /// <summary>Every stored tournament, oldest first.</summary>
    public List<StoredTournament> ListTournaments()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, name, owner, state, status_detail, definition, time_budget_ms, simulations_total, created_at, finished_at
            FROM tournaments ORDER BY id
            """;
        using var r = command.ExecuteReader();
        var list = new List<StoredTournament>();
        while (r.Read())
        {
            list.Add(new StoredTournament(Text(r, "id"), Text(r, "name"), Text(r, "owner"), Text(r, "state"), Text(r, "status_detail"), Text(r, "definition"),
                OptionalInteger(r, "time_budget_ms") is { } budget ? TimeSpan.FromMilliseconds(budget) : null, (int)Integer(r, "simulations_total"),
                DateTimeOffset.FromUnixTimeMilliseconds(Integer(r, "created_at")), Time(r, "finished_at")));
        }

        return list;
    }

    /// <summary>Deletes a tournament and the results nothing else references.</summary>
    public int DeleteTournament(string id) => DeleteWithResults(id, """
        INSERT OR IGNORE INTO temp.doomed SELECT result_key FROM tournament_simulations WHERE tournament_id = $id;
        DELETE FROM tournament_simulations WHERE tournament_id = $id;
        DELETE FROM tournaments WHERE id = $id;
        """);

    private const string SelectRun = """
        SELECT r.id, r.kind, r.state, r.status_detail, r.workload, r.kernel_profile, r.baseline, r.policies, r.description,
               r.request_json, r.request_hash, r.created_at, r.started_at, r.finished_at,
               (SELECT count(*) FROM run_simulations s WHERE s.run_id = r.id) AS simulations_total,
               (SELECT count(*) FROM run_simulations s WHERE s.run_id = r.id AND s.status <> '') AS simulations_done,
               (SELECT count(*) FROM run_simulations s WHERE s.run_id = r.id AND s.from_store <> 0) AS simulations_from_store,
               r.owner
        FROM runs r
        """;

    // Columns are read by name: a migration that adds or reorders columns cannot shift what a field reads.
    private static StoredRun ReadRun(SqliteDataReader r) => new(
        Text(r, "id"),
        StoreNames.ParseKind(Text(r, "kind")),
        StoreNames.ParseState(Text(r, "state")),
        Text(r, "status_detail"),
        Text(r, "workload"),
        Text(r, "kernel_profile"),
        Text(r, "baseline"),
        JsonSerializer.Deserialize<string[]>(Text(r, "policies")) ?? [],
        Text(r, "description"),
        StoredRequest.FromJson(Text(r, "request_json")).ToRequest(),
        Text(r, "request_hash"),
        DateTimeOffset.FromUnixTimeMilliseconds(Integer(r, "created_at")),
        Time(r, "started_at"),
        Time(r, "finished_at"),
        (int)Integer(r, "simulations_total"),
        (int)Integer(r, "simulations_done"),
        (int)Integer(r, "simulations_from_store"),
        Text(r, "owner"));

    private static string Text(SqliteDataReader r, string column) => r.GetString(r.GetOrdinal(column));

    private static long Integer(SqliteDataReader r, string column) => r.GetInt64(r.GetOrdinal(column));

    private static long? OptionalInteger(SqliteDataReader r, string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetInt64(r.GetOrdinal(column));

    private static DateTimeOffset? Time(SqliteDataReader r, string column) =>
        OptionalInteger(r, column) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private SqliteConnection Open()
    {
        if (!_initialized && !TryRecover())
        {
            throw new StoreUnavailableException(_fault ?? "the run store is not open");
        }

        return OpenRaw();
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Why the store cannot write (disk full, read-only, I/O error), or null while it can.</summary>
    public string? Fault => _fault;

    /// <summary>Throws <see cref="StoreUnavailableException"/> (UNAVAILABLE) while the store cannot write and a probe write still fails.</summary>
    public void ThrowIfUnwritable()
    {
        if (!TryRecover())
        {
            throw new StoreUnavailableException(_fault ?? "the run store cannot write");
        }
    }

    /// <summary>
    /// While faulted, tries a probe write (and the schema, if the store never opened); on success writes the deferred
    /// outcomes and clears the fault. True when the store can write.
    /// </summary>
    public bool TryRecover()
    {
        if (_fault is null)
        {
            return true;
        }

        lock (_deferredGate)
        {
            if (_fault is null)
            {
                return true;
            }

            try
            {
                // Pooled connections may have opened read-only (SQLite falls back to that on a read-only file system).
                using (var pooled = new SqliteConnection(_connectionString))
                {
                    SqliteConnection.ClearPool(pooled);
                }

                if (!_initialized)
                {
                    Initialize();
                    _initialized = true;
                }

                using (var connection = OpenRaw())
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = "INSERT OR REPLACE INTO store_probe (id, at) VALUES (1, $at)";
                    command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    command.ExecuteNonQuery();
                }

                foreach (var (id, state, detail, at) in _deferred)
                {
                    FinishCore(id, state, detail, at, null);
                }

                _deferred.Clear();
                _fault = null;
                return true;
            }
            catch (SqliteException e) when (IsWriteFault(e))
            {
                _fault = Describe(e);
                return false;
            }
        }
    }

    private void Write(Action write)
    {
        ThrowIfUnwritable();
        try
        {
            write();
        }
        catch (SqliteException e) when (IsWriteFault(e))
        {
            _fault = Describe(e);
            throw new StoreUnavailableException(_fault, e);
        }
    }

    /// <summary>SQLITE_PERM, READONLY, IOERR, FULL, CANTOPEN: the store cannot write (primary result codes).</summary>
    private static bool IsWriteFault(SqliteException e) => (e.SqliteErrorCode & 0xFF) is 3 or 8 or 10 or 13 or 14;

    private string Describe(SqliteException e) =>
        $"the run store '{_file}' cannot write ({e.Message.TrimEnd('.')}); new runs are refused until it can (free space, or make it writable)";

    /// <summary>
    /// Migration 2 → 3: each run's request goes from protobuf bytes (<c>request</c>) to the service's own record as
    /// JSON (<c>request_json</c>, <see cref="StoredRequest"/>); the bytes column is dropped. One transaction: a
    /// store is migrated whole or not at all.
    /// </summary>
    private static void MigrateRequestsToJson(SqliteConnection connection)
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
                requests.Add((Text(reader, "id"), StoredRequest.From(SubmitComparisonRequest.Parser.ParseFrom(bytes)).ToJson()));
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

    private void Initialize()
    {
        using var connection = OpenRaw();
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

        // WAL lets readers (GetRun, WatchRun) proceed while a worker commits a result.
        command.CommandText = $"""
            PRAGMA journal_mode = WAL;
            PRAGMA foreign_keys = ON;
            CREATE TABLE IF NOT EXISTS runs (
                id             TEXT PRIMARY KEY,
                kind           TEXT NOT NULL,
                state          TEXT NOT NULL,
                status_detail  TEXT NOT NULL,
                workload       TEXT NOT NULL,
                kernel_profile TEXT NOT NULL,
                baseline       TEXT NOT NULL,
                policies       TEXT NOT NULL,
                description    TEXT NOT NULL,
                request_json   TEXT NOT NULL,
                request_hash   TEXT NOT NULL,
                created_at     INTEGER NOT NULL,
                started_at     INTEGER,
                finished_at    INTEGER,
                report         TEXT,
                owner          TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX IF NOT EXISTS runs_state ON runs (state);
            CREATE TABLE IF NOT EXISTS run_simulations (
                run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                idx         INTEGER NOT NULL,
                label       TEXT NOT NULL,
                parameters  TEXT NOT NULL,
                seed        TEXT NOT NULL,
                replication INTEGER NOT NULL,
                result_key  TEXT NOT NULL,
                status      TEXT NOT NULL,
                from_store  INTEGER NOT NULL,
                PRIMARY KEY (run_id, idx)
            );
            CREATE TABLE IF NOT EXISTS tournaments (
                id                TEXT PRIMARY KEY,
                name              TEXT NOT NULL,
                owner             TEXT NOT NULL,
                state             TEXT NOT NULL,
                status_detail     TEXT NOT NULL,
                definition        TEXT NOT NULL,
                time_budget_ms    INTEGER,
                simulations_total INTEGER NOT NULL,
                created_at        INTEGER NOT NULL,
                finished_at       INTEGER
            );
            CREATE TABLE IF NOT EXISTS tournament_simulations (
                tournament_id TEXT NOT NULL REFERENCES tournaments(id) ON DELETE CASCADE,
                result_key    TEXT NOT NULL,
                PRIMARY KEY (tournament_id, result_key)
            );
            CREATE TABLE IF NOT EXISTS store_probe (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS results (
                key    TEXT PRIMARY KEY,
                status TEXT NOT NULL,
                json   TEXT NOT NULL
            );
            PRAGMA user_version = {SchemaVersion};
            INSERT OR REPLACE INTO store_probe (id, at) VALUES (1, 0);
            """;

        // The last statement writes: a store that opened read-only (a read-only mount) shows as such at start.
        command.ExecuteNonQuery();
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

        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"the run store '{file}' has schema version {version}, newer than this build's {SchemaVersion}; run the build that wrote it, or point DatabasePath at another file");
        }

        return version;
    }
}
