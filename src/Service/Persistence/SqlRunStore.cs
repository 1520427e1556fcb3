using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Tournaments;

namespace NetnsPolicy.Service.Persistence;

/// <summary>
/// The store's SQL, written once for both engines over ADO.NET: statements both SQLite and PostgreSQL accept
/// (<c>@name</c> parameters, <c>INSERT … ON CONFLICT</c>), columns read by name. A run's inputs are written in one
/// transaction when it is accepted, each simulation's result when it finishes, and the run's outcome with its report
/// in one transaction at the end. What differs (opening, schema version and migrations, which errors mean "cannot
/// write", how big the store is) the engine's subclass says.
/// </summary>
internal abstract class SqlRunStore : IRunStore
{
    /// <summary>
    /// 1: runs, run_simulations, results. 2: runs.owner, states and kinds by name; tournaments and
    /// tournament_simulations; store_probe. 3: runs.request_json. 4: results.body and runs.report_body, the result
    /// and report JSON gzipped, in place of results.json and runs.report.
    /// </summary>
    public const int CurrentSchemaVersion = 4;

    private readonly Lock _deferredGate = new();
    private readonly List<(string Id, RunState State, string Detail, DateTimeOffset At)> _deferred = [];
    private volatile string? _fault;
    private volatile bool _initialized;

    public int SchemaVersion => CurrentSchemaVersion;

    public string? Fault => _fault;

    /// <summary>How the store is named in messages: its file, or its server and database.</summary>
    protected abstract string Name { get; }

    /// <summary>
    /// The tables, for an engine's type names: <paramref name="integer"/> for 64-bit integer columns,
    /// <paramref name="key"/> for the text ids listings are ordered by (byte order on either engine),
    /// <paramref name="bytes"/> for binary columns.
    /// </summary>
    protected static string Tables(string integer, string key, string bytes) => $"""
        CREATE TABLE IF NOT EXISTS runs (
            id             {key} PRIMARY KEY,
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
            created_at     {integer} NOT NULL,
            started_at     {integer},
            finished_at    {integer},
            report_body    {bytes},
            owner          TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS runs_state ON runs (state);
        CREATE TABLE IF NOT EXISTS run_simulations (
            run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            idx         {integer} NOT NULL,
            label       TEXT NOT NULL,
            parameters  TEXT NOT NULL,
            seed        TEXT NOT NULL,
            replication {integer} NOT NULL,
            result_key  TEXT NOT NULL,
            status      TEXT NOT NULL,
            from_store  {integer} NOT NULL,
            PRIMARY KEY (run_id, idx)
        );
        CREATE TABLE IF NOT EXISTS tournaments (
            id                {key} PRIMARY KEY,
            name              TEXT NOT NULL,
            owner             TEXT NOT NULL,
            state             TEXT NOT NULL,
            status_detail     TEXT NOT NULL,
            definition        TEXT NOT NULL,
            time_budget_ms    {integer},
            simulations_total {integer} NOT NULL,
            created_at        {integer} NOT NULL,
            finished_at       {integer}
        );
        CREATE TABLE IF NOT EXISTS tournament_simulations (
            tournament_id TEXT NOT NULL REFERENCES tournaments(id) ON DELETE CASCADE,
            result_key    TEXT NOT NULL,
            PRIMARY KEY (tournament_id, result_key)
        );
        CREATE TABLE IF NOT EXISTS store_probe (
            id INTEGER PRIMARY KEY,
            at {integer} NOT NULL
        );
        CREATE TABLE IF NOT EXISTS results (
            key    TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            body   {bytes} NOT NULL
        );
        """;

    /// <summary>A new open connection.</summary>
    protected abstract DbConnection OpenConnection();

    /// <summary>Creates or migrates the schema; throws <see cref="InvalidOperationException"/> naming the store when it cannot be used.</summary>
    protected abstract void Initialize();

    /// <summary>True when <paramref name="error"/> means the store cannot write now (full, read-only, unreachable), as opposed to a bug.</summary>
    protected abstract bool IsWriteFault(DbException error);

    /// <summary>Drops pooled connections, which may have opened read-only or to a server that is gone.</summary>
    protected abstract void ResetConnections();

    /// <summary>A query giving the bytes the live rows take.</summary>
    protected abstract string UsedBytesSql { get; }

    public abstract void Dispose();

    /// <summary>Opens the store at construction; a store that cannot write then starts faulted and opens once it can.</summary>
    protected void Open()
    {
        try
        {
            Initialize();
            _initialized = true;
        }
        catch (DbException e) when (IsWriteFault(e))
        {
            _fault = Describe(e);
        }
    }

    /// <summary>Granted: an embedded store belongs to one process (an engine shared by several overrides it).</summary>
    public virtual bool TryHold(string id) => true;

    public virtual void Release(string id)
    {
    }

    public bool IsReachable()
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT count(*) FROM runs");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) >= 0;
    }

    public void InsertRun(string id, RunPlan plan, DateTimeOffset createdAt, IReadOnlyDictionary<int, string> fromStore, string owner = "", int admitBelow = 0) => Write(() =>
    {
        using var connection = Connect();
        using var tx = connection.BeginTransaction();
        if (admitBelow > 0)
        {
            LockAdmission(connection, tx);
            using var count = Command(connection, "SELECT count(*) FROM runs WHERE state IN (@queued, @running)", tx);
            Add(count, "queued", StoreNames.Of(RunState.Queued));
            Add(count, "running", StoreNames.Of(RunState.Running));
            var unfinished = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (unfinished >= admitBelow)
            {
                throw new LimitExceededException("queue", $"{unfinished} runs are queued or running in the cluster; it admits at most {admitBelow} at once, retry later");
            }
        }

        using (var command = Command(connection, """
            INSERT INTO runs (id, kind, state, status_detail, workload, kernel_profile, baseline, policies, description,
                              request_json, request_hash, created_at, owner)
            VALUES (@id, @kind, @state, '', @workload, @profile, @baseline, @policies, @description, @request, @hash, @created, @owner)
            """, tx))
        {
            Add(command, "owner", owner);
            Add(command, "id", id);
            Add(command, "kind", StoreNames.Of(plan.Kind));
            Add(command, "state", StoreNames.Of(RunState.Queued));
            Add(command, "workload", plan.WorkloadName);
            Add(command, "profile", plan.KernelProfile);
            Add(command, "baseline", plan.Baseline);
            Add(command, "policies", JsonSerializer.Serialize(plan.Contenders.Select(c => c.Label)));
            Add(command, "description", plan.Request.Description);
            Add(command, "request", StoredRequest.From(plan.Request).ToJson());
            Add(command, "hash", plan.RequestHash);
            Add(command, "created", createdAt.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        }

        using (var command = Command(connection, """
            INSERT INTO run_simulations (run_id, idx, label, parameters, seed, replication, result_key, status, from_store)
            VALUES (@run, @idx, @label, @parameters, @seed, @replication, @key, @status, @from_store)
            """, tx))
        {
            var run = Add(command, "run", id);
            var idx = Add(command, "idx", 0L);
            var label = Add(command, "label", "");
            var parameters = Add(command, "parameters", "");
            var seed = Add(command, "seed", "");
            var replication = Add(command, "replication", 0L);
            var key = Add(command, "key", "");
            var status = Add(command, "status", "");
            var stored = Add(command, "from_store", 0L);
            foreach (var s in plan.Simulations)
            {
                idx.Value = (long)s.Index;
                label.Value = s.Label;
                parameters.Value = s.CanonicalParameters;
                seed.Value = s.Seed.ToString(CultureInfo.InvariantCulture);
                replication.Value = (long)s.Replication;
                key.Value = s.ResultKey;
                status.Value = fromStore.TryGetValue(s.Index, out var st) ? st : "";
                stored.Value = fromStore.ContainsKey(s.Index) ? 1L : 0L;
                command.ExecuteNonQuery();
            }
        }

        tx.Commit();
    });

    public Dictionary<string, string> FindResults(IEnumerable<string> keys) => ReadResultColumn(keys, "status", value => (string)value);

    public Dictionary<string, string> ReadResults(IEnumerable<string> keys) => ReadResultColumn(keys, "body", value => ResultCompression.Decompress((byte[])value));

    private Dictionary<string, string> ReadResultColumn(IEnumerable<string> keys, string column, Func<object, string> read)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        using var connection = Connect();
        using var command = Command(connection, $"SELECT {column} FROM results WHERE key = @key");
        var p = Add(command, "key", "");
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            p.Value = key;
            if (command.ExecuteScalar() is { } value and not DBNull)
            {
                found[key] = read(value);
            }
        }

        return found;
    }

    public void MarkStarted(string id, DateTimeOffset at) => Write(() =>
    {
        using var connection = Connect();
        using var command = Command(connection, "UPDATE runs SET state = @state, started_at = coalesce(started_at, @at) WHERE id = @id AND state IN (@queued, @state)");
        Add(command, "state", StoreNames.Of(RunState.Running));
        Add(command, "queued", StoreNames.Of(RunState.Queued));
        Add(command, "at", at.ToUnixTimeMilliseconds());
        Add(command, "id", id);
        command.ExecuteNonQuery();
    });

    /// <summary>
    /// Inserts a result unless one is stored under its key: results are pure functions of their key, so a second
    /// writer (another silo that ran the same simulation) changes nothing. A budget-exceeded result says what this
    /// server's budget allowed, not what the simulation gives: a later complete one replaces it.
    /// </summary>
    private const string InsertResultSql = """
        INSERT INTO results (key, status, body) VALUES (@key, @status, @body)
        ON CONFLICT (key) DO UPDATE SET status = excluded.status, body = excluded.body WHERE results.status = 'budget-exceeded'
        """;

    public void CompleteSimulation(string runId, int index, string resultKey, string status, string json) =>
        StoreResult(resultKey, status, json, "UPDATE run_simulations SET status = @status WHERE run_id = @run AND idx = @idx", command =>
        {
            Add(command, "status", status);
            Add(command, "run", runId);
            Add(command, "idx", (long)index);
        });

    /// <summary>
    /// Inserts a result (<see cref="InsertResultSql"/>) and, in the same transaction, records who used it. The body is
    /// compressed before the transaction begins: SQLite's transaction holds the database's write lock (BEGIN IMMEDIATE),
    /// which another simulation's result would otherwise wait on while this one is compressed.
    /// </summary>
    private void StoreResult(string key, string status, string json, string useSql, Action<DbCommand> bindUse)
    {
        var body = ResultCompression.Compress(json);
        Write(() => StoreResultCore(key, status, body, useSql, bindUse));
    }

    private void StoreResultCore(string key, string status, byte[] body, string useSql, Action<DbCommand> bindUse)
    {
        using var connection = Connect();
        using var tx = connection.BeginTransaction();
        using (var command = Command(connection, InsertResultSql, tx))
        {
            Add(command, "key", key);
            Add(command, "status", status);
            Add(command, "body", body);
            command.ExecuteNonQuery();
        }

        using (var command = Command(connection, useSql, tx))
        {
            bindUse(command);
            command.ExecuteNonQuery();
        }

        tx.Commit();
    }

    public void Finish(string id, RunState state, string detail, DateTimeOffset at, string? reportJson) =>
        Write(() => FinishCore(id, state, detail, at, reportJson));

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
        using var connection = Connect();
        using var tx = connection.BeginTransaction();
        using var command = Command(connection, """
            UPDATE runs SET state = @state, status_detail = @detail, finished_at = @at, report_body = @report,
                            started_at = coalesce(started_at, @at)
            WHERE id = @id
            """, tx);
        Add(command, "state", StoreNames.Of(state));
        Add(command, "detail", detail);
        Add(command, "at", at.ToUnixTimeMilliseconds());
        Add(command, "report", reportJson is null ? null : ResultCompression.Compress(reportJson));
        Add(command, "id", id);
        command.ExecuteNonQuery();
        tx.Commit();
    }

    public StoredRun? GetRun(string id)
    {
        using var connection = Connect();
        using var command = Command(connection, SelectRun + " WHERE r.id = @id");
        Add(command, "id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRun(reader) : null;
    }

    public List<StoredRun> ListRuns(int limit, string? beforeId, IReadOnlyCollection<RunState> states)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (beforeId is not null)
        {
            where.Add("r.id < @before");
            Add(command, "before", beforeId);
        }

        if (states.Count > 0)
        {
            var names = states.Select((s, i) => (Parameter: "state" + i.ToString(CultureInfo.InvariantCulture), Name: StoreNames.Of(s))).ToList();
            where.Add($"r.state IN ({string.Join(",", names.Select(n => "@" + n.Parameter))})");
            foreach (var (parameter, name) in names)
            {
                Add(command, parameter, name);
            }
        }

        command.CommandText = SelectRun + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY r.id DESC LIMIT @limit";
        Add(command, "limit", (long)limit);
        using var reader = command.ExecuteReader();
        var runs = new List<StoredRun>();
        while (reader.Read())
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    public List<string> UnfinishedRunIds()
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT id FROM runs WHERE state IN (@queued, @running) ORDER BY id");
        Add(command, "queued", StoreNames.Of(RunState.Queued));
        Add(command, "running", StoreNames.Of(RunState.Running));
        return ReadIds(command);
    }

    public List<string> FinishedRunIds(DateTimeOffset? before, int limit)
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT id FROM runs WHERE state NOT IN (@queued, @running)" + (before is null ? "" : " AND created_at < @before") + " ORDER BY id LIMIT @limit");
        Add(command, "queued", StoreNames.Of(RunState.Queued));
        Add(command, "running", StoreNames.Of(RunState.Running));
        Add(command, "limit", (long)limit);
        if (before is { } b)
        {
            Add(command, "before", b.ToUnixTimeMilliseconds());
        }

        return ReadIds(command);
    }

    public List<StoredSimulation> GetSimulations(string runId)
    {
        using var connection = Connect();
        using var command = Command(connection, """
            SELECT idx, label, parameters, seed, replication, result_key, status, from_store
            FROM run_simulations WHERE run_id = @run ORDER BY idx
            """);
        Add(command, "run", runId);
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

    public string? GetReport(string runId)
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT report_body FROM runs WHERE id = @id");
        Add(command, "id", runId);
        return command.ExecuteScalar() is byte[] body ? ResultCompression.Decompress(body) : null;
    }

    // The results the run releases go first (while its rows still say which they are), unless another run or a
    // tournament still uses them.
    public int DeleteRun(string id) => DeleteWithResults(id, """
        DELETE FROM results WHERE key IN (SELECT result_key FROM run_simulations WHERE run_id = @id)
          AND key NOT IN (SELECT result_key FROM run_simulations WHERE run_id <> @id)
          AND key NOT IN (SELECT result_key FROM tournament_simulations)
        """, "DELETE FROM run_simulations WHERE run_id = @id", "DELETE FROM runs WHERE id = @id");

    public int DeleteTournament(string id) => DeleteWithResults(id, """
        DELETE FROM results WHERE key IN (SELECT result_key FROM tournament_simulations WHERE tournament_id = @id)
          AND key NOT IN (SELECT result_key FROM run_simulations)
          AND key NOT IN (SELECT result_key FROM tournament_simulations WHERE tournament_id <> @id)
        """, "DELETE FROM tournament_simulations WHERE tournament_id = @id", "DELETE FROM tournaments WHERE id = @id");

    /// <summary>Runs <paramref name="deleteResults"/> (its count is returned), then <paramref name="deleteRows"/>, in one transaction.</summary>
    private int DeleteWithResults(string id, string deleteResults, params string[] deleteRows)
    {
        var deleted = 0;
        Write(() =>
        {
            using var connection = Connect();
            using var tx = connection.BeginTransaction();
            foreach (var sql in (string[])[deleteResults, .. deleteRows])
            {
                using var command = Command(connection, sql, tx);
                Add(command, "id", id);
                var rows = command.ExecuteNonQuery();
                deleted = sql == deleteResults ? rows : deleted;
            }

            tx.Commit();
            AfterDelete(connection);
        });
        return deleted;
    }

    /// <summary>Called after rows were deleted and committed (an engine may give the space back).</summary>
    /// <summary>
    /// Serialises admissions counted against the store (<see cref="InsertRun"/> with a limit) until the transaction
    /// ends; nothing where one process owns the store.
    /// </summary>
    protected virtual void LockAdmission(DbConnection connection, DbTransaction transaction)
    {
    }

    protected virtual void AfterDelete(DbConnection connection)
    {
    }

    /// <summary>
    /// Migration 3 → 4: each result's JSON (<c>results.json</c>) and each run's report (<c>runs.report</c>) go
    /// gzipped into <c>results.body</c> and <c>runs.report_body</c> (<see cref="ResultCompression"/>), read back byte
    /// for byte; the text columns are dropped. In the caller's transaction.
    /// </summary>
    /// <param name="bytes">The engine's binary type; <paramref name="emptyBytes"/>, its empty value (the default of converted rows).</param>
    protected static void MigrateToCompressed(DbConnection connection, DbTransaction transaction, string bytes, string emptyBytes)
    {
        CompressColumn(connection, transaction, "results", "key", "json", $"body {bytes} NOT NULL DEFAULT {emptyBytes}");
        CompressColumn(connection, transaction, "runs", "id", "report", $"report_body {bytes}");
    }

    /// <summary>Moves a text column gzipped into a new binary one, one row at a time (a large store never sits in memory whole).</summary>
    private static void CompressColumn(DbConnection connection, DbTransaction transaction, string table, string key, string from, string to)
    {
        var target = to[..to.IndexOf(' ', StringComparison.Ordinal)];
        using (var add = Command(connection, $"ALTER TABLE {table} ADD COLUMN {to}", transaction))
        {
            add.ExecuteNonQuery();
        }

        var keys = new List<string>();
        using (var list = Command(connection, $"SELECT {key} FROM {table} WHERE {from} IS NOT NULL ORDER BY {key}", transaction))
        {
            keys.AddRange(ReadIds(list));
        }

        using var read = Command(connection, $"SELECT {from} FROM {table} WHERE {key} = @key", transaction);
        var readKey = Add(read, "key", "");
        using var write = Command(connection, $"UPDATE {table} SET {target} = @body WHERE {key} = @key", transaction);
        var body = Add(write, "body", Array.Empty<byte>());
        var writeKey = Add(write, "key", "");
        foreach (var k in keys)
        {
            readKey.Value = k;
            writeKey.Value = k;
            body.Value = ResultCompression.Compress((string)read.ExecuteScalar()!);
            write.ExecuteNonQuery();
        }

        using var drop = Command(connection, $"ALTER TABLE {table} DROP COLUMN {from}", transaction);
        drop.ExecuteNonQuery();
    }

    public long UsedBytes()
    {
        using var connection = Connect();
        using var command = Command(connection, UsedBytesSql);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public void InsertTournament(StoredTournament t) => Write(() =>
    {
        using var connection = Connect();
        using var command = Command(connection, """
            INSERT INTO tournaments (id, name, owner, state, status_detail, definition, time_budget_ms, simulations_total, created_at)
            VALUES (@id, @name, @owner, @state, '', @definition, @budget, @total, @created)
            """);
        Add(command, "id", t.Id);
        Add(command, "name", t.Name);
        Add(command, "owner", t.Owner);
        Add(command, "state", StoreNames.Of(t.State));
        Add(command, "definition", t.Definition);
        Add(command, "budget", t.TimeBudget is { } b ? (long)b.TotalMilliseconds : null);
        Add(command, "total", (long)t.SimulationsTotal);
        Add(command, "created", t.CreatedAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    });

    public void FinishTournament(string id, TournamentState state, string detail, DateTimeOffset at) => Write(() =>
    {
        using var connection = Connect();
        using var command = Command(connection, "UPDATE tournaments SET state = @state, status_detail = @detail, finished_at = @at WHERE id = @id");
        Add(command, "state", StoreNames.Of(state));
        Add(command, "detail", detail);
        Add(command, "at", at.ToUnixTimeMilliseconds());
        Add(command, "id", id);
        command.ExecuteNonQuery();
    });

    public void AddTournamentResult(string tournamentId, string resultKey, string status, string json) =>
        StoreResult(resultKey, status, json, "INSERT INTO tournament_simulations (tournament_id, result_key) VALUES (@tournament, @key) ON CONFLICT DO NOTHING", command =>
        {
            Add(command, "tournament", tournamentId);
            Add(command, "key", resultKey);
        });

    public int CountTournamentResults(string id)
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT count(*) FROM tournament_simulations WHERE tournament_id = @id");
        Add(command, "id", id);
        return (int)Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public List<string> RunningTournamentIds()
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT id FROM tournaments WHERE state = @running ORDER BY id");
        Add(command, "running", StoreNames.Of(TournamentState.Running));
        return ReadIds(command);
    }

    private const string SelectTournament = """
        SELECT id, name, owner, state, status_detail, definition, time_budget_ms, simulations_total, created_at, finished_at
        FROM tournaments
        """;

    public StoredTournament? GetTournament(string id)
    {
        using var connection = Connect();
        using var command = Command(connection, SelectTournament + " WHERE id = @id");
        Add(command, "id", id);
        using var r = command.ExecuteReader();
        return r.Read() ? ReadTournament(r) : null;
    }

    public List<StoredTournament> ListTournaments()
    {
        using var connection = Connect();
        using var command = Command(connection, SelectTournament + " ORDER BY id");
        using var r = command.ExecuteReader();
        var list = new List<StoredTournament>();
        while (r.Read())
        {
            list.Add(ReadTournament(r));
        }

        return list;
    }

    private static StoredTournament ReadTournament(DbDataReader r) =>
        new(Text(r, "id"), Text(r, "name"), Text(r, "owner"), StoreNames.ParseTournamentState(Text(r, "state")), Text(r, "status_detail"), Text(r, "definition"),
            OptionalInteger(r, "time_budget_ms") is { } budget ? TimeSpan.FromMilliseconds(budget) : null, (int)Integer(r, "simulations_total"),
            DateTimeOffset.FromUnixTimeMilliseconds(Integer(r, "created_at")), Time(r, "finished_at"));

    public void ThrowIfUnwritable()
    {
        if (!TryRecover())
        {
            throw new StoreUnavailableException(_fault ?? "the run store cannot write");
        }
    }

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
                ResetConnections();
                if (!_initialized)
                {
                    Initialize();
                    _initialized = true;
                }

                using (var connection = OpenConnection())
                using (var command = Command(connection, ProbeSql))
                {
                    Add(command, "at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
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
            catch (DbException e) when (IsWriteFault(e))
            {
                _fault = Describe(e);
                return false;
            }
        }
    }

    /// <summary>The small write that shows whether the store can write (at open, and while faulted).</summary>
    protected const string ProbeSql = "INSERT INTO store_probe (id, at) VALUES (1, @at) ON CONFLICT (id) DO UPDATE SET at = excluded.at";

    private void Write(Action write)
    {
        ThrowIfUnwritable();
        try
        {
            write();
        }
        catch (DbException e) when (IsWriteFault(e))
        {
            _fault = Describe(e);
            throw new StoreUnavailableException(_fault, e);
        }
    }

    private string Describe(DbException e) =>
        $"the run store '{Name}' cannot write ({e.Message.TrimEnd('.')}); new runs are refused until it can (free space, or make it writable)";

    /// <summary>
    /// An open connection; a store that cannot be reached (a server gone, a file that cannot open) is UNAVAILABLE
    /// for reads too, and faulted until a probe write succeeds again.
    /// </summary>
    private DbConnection Connect()
    {
        if (!_initialized && !TryRecover())
        {
            throw new StoreUnavailableException(_fault ?? "the run store is not open");
        }

        try
        {
            return OpenConnection();
        }
        catch (DbException e) when (IsWriteFault(e))
        {
            _fault = Describe(e);
            throw new StoreUnavailableException(_fault, e);
        }
    }

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
    private static StoredRun ReadRun(DbDataReader r) => new(
        new RunSnapshot(
            Text(r, "id"),
            StoreNames.ParseKind(Text(r, "kind")),
            StoreNames.ParseState(Text(r, "state")),
            Text(r, "status_detail"),
            Text(r, "workload"),
            Text(r, "kernel_profile"),
            Text(r, "baseline"),
            JsonSerializer.Deserialize<string[]>(Text(r, "policies")) ?? [],
            Text(r, "description"),
            Text(r, "request_hash"),
            DateTimeOffset.FromUnixTimeMilliseconds(Integer(r, "created_at")),
            Time(r, "started_at"),
            Time(r, "finished_at"),
            (int)Integer(r, "simulations_total"),
            (int)Integer(r, "simulations_done"),
            (int)Integer(r, "simulations_from_store")),
        StoredRequest.FromJson(Text(r, "request_json")).ToRequest(),
        Text(r, "owner"));

    private static List<string> ReadIds(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    protected static string Text(DbDataReader r, string column) => r.GetString(r.GetOrdinal(column));

    protected static long Integer(DbDataReader r, string column) => Convert.ToInt64(r.GetValue(r.GetOrdinal(column)), CultureInfo.InvariantCulture);

    private static long? OptionalInteger(DbDataReader r, string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : Integer(r, column);

    private static DateTimeOffset? Time(DbDataReader r, string column) =>
        OptionalInteger(r, column) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    protected static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>A text parameter (typed when null, so either engine knows what it is).</summary>
    protected static DbParameter Add(DbCommand command, string name, string? value) => Add(command, name, value, DbType.String);

    /// <summary>A binary parameter (typed when null).</summary>
    protected static DbParameter Add(DbCommand command, string name, byte[]? value) => Add(command, name, value, DbType.Binary);

    /// <summary>A 64-bit integer parameter (typed when null).</summary>
    protected static DbParameter Add(DbCommand command, string name, long? value) => Add(command, name, value, DbType.Int64);

    private static DbParameter Add(DbCommand command, string name, object? value, DbType type)
    {
        var p = command.CreateParameter();
        p.ParameterName = "@" + name;
        p.DbType = type;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
        return p;
    }
}
