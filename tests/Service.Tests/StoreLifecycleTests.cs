using Grpc.Core;
using Microsoft.Data.Sqlite;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>The store's growth and schema: DeleteRun (owner or admin), retention, and the schema version checked and migrated.</summary>
[TestFixture]
public sealed class StoreLifecycleTests
{
    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    [Test]
    public async Task DeleteRun_FinishedRunOfItsOwner_GoneWithItsResults()
    {
        using var db = new TempDatabase();
        var options = TestService.OptionsFor(db.Path);
        options.RequireApiKeys = true;
        options.ApiKeys.Add(new ApiKeyEntry { Key = "alice-key-0123456789", Principal = "alice" });
        options.ApiKeys.Add(new ApiKeyEntry { Key = "bob-key-0123456789", Principal = "bob" });
        await using var service = await TestService.StartAsync(options);
        var alice = Key("alice-key-0123456789");
        var run = await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 9), alice, deadline: TestService.Deadline()), alice);
        Assert.That(run.State, Is.EqualTo(RunState.Succeeded));

        await RpcAssert.FailsWith(StatusCode.PermissionDenied,
            () => service.Runs.DeleteRunAsync(new DeleteRunRequest { RunId = run.Id }, Key("bob-key-0123456789"), deadline: TestService.Deadline()).ResponseAsync);
        var deleted = await service.Runs.DeleteRunAsync(new DeleteRunRequest { RunId = run.Id }, alice, deadline: TestService.Deadline());

        Assert.That(deleted.ResultsDeleted, Is.EqualTo(2));
        await RpcAssert.FailsWith(StatusCode.NotFound,
            () => service.Runs.GetRunAsync(new GetRunRequest { RunId = run.Id }, alice, deadline: TestService.Deadline()).ResponseAsync);
        var again = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 9), alice, deadline: TestService.Deadline());
        Assert.That(again.SimulationsFromStore, Is.Zero, "its results went with it");
        await service.CompleteAsync(again, alice);
    }

    [Test]
    public async Task DeleteRun_Unfinished_FailedPrecondition()
    {
        using var db = new TempDatabase();
        using var gate = new GatedExecutor();
        await using var service = await TestService.StartAsync(TestService.OptionsFor(db.Path),
            b => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<NetnsPolicy.Service.Scheduling.ISimulationExecutor>(b.Services, gate));
        var run = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline());

        var error = await RpcAssert.FailsWith(StatusCode.FailedPrecondition,
            () => service.Runs.DeleteRunAsync(new DeleteRunRequest { RunId = run.Id }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(error.Status.Detail, Does.Contain("cancel it first"));
        gate.Release(2);
        await service.CompleteAsync(run);
    }

    [Test]
    public async Task DeleteRun_FinishedRuns_TheFileGivesTheirPagesBack()
    {
        using var db = new TempDatabase();
        await using var service = await TestService.StartAsync(TestService.OptionsFor(db.Path));
        var runs = new List<Run>();
        for (var seed = 1UL; seed <= 4; seed++)
        {
            runs.Add(await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(50), seed), deadline: TestService.Deadline())));
        }

        var before = Pages(db.Path);
        foreach (var run in runs.Skip(1))
        {
            await service.Runs.DeleteRunAsync(new DeleteRunRequest { RunId = run.Id }, deadline: TestService.Deadline());
        }

        var after = Pages(db.Path);

        TestContext.Out.WriteLine($"page_count {before.Count} → {after.Count} (page size {before.Size}), freelist {before.Free} → {after.Free}");
        Assert.That(after.Count, Is.LessThan(before.Count * 0.6), "three of four runs' pages are given back");
        Assert.That(after.Free, Is.Zero, "incremental_vacuum leaves no free pages in the file");
    }

    /// <summary>The file's page count, free pages and page size, read through a connection of its own.</summary>
    private static (long Count, long Free, long Size) Pages(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT page_count, freelist_count, page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    [Test]
    public async Task Retention_MaxAge_FinishedRunsOlderDeletedAtStart()
    {
        using var db = new TempDatabase();
        await using (var service = await TestService.StartAsync(TestService.OptionsFor(db.Path)))
        {
            await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline()));
            await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), deadline: TestService.Deadline()));
        }

        var options = TestService.OptionsFor(db.Path);
        options.RetentionMaxAge = TimeSpan.FromMilliseconds(1);
        await using var restarted = await TestService.StartAsync(options);

        // Retention runs at start in the background: wait (bounded) for the store to be empty.
        ListRunsResponse listed;
        var deadline = DateTime.UtcNow + TestService.CallTimeout;
        do
        {
            await Task.Delay(50);
            listed = await restarted.Runs.ListRunsAsync(new ListRunsRequest(), deadline: TestService.Deadline());
        }
        while (listed.Runs.Count > 0 && DateTime.UtcNow < deadline);

        Assert.That(listed.Runs, Is.Empty);
        using var connection = new SqliteConnection($"Data Source={db.Path};Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM results";
        Assert.That((long)count.ExecuteScalar()!, Is.Zero, "results no run references are deleted too");
    }

    [Test]
    public async Task StartAsync_SchemaVersion1Store_MigratedTo4AndServed()
    {
        using var db = new TempDatabase();
        using (var connection = new SqliteConnection($"Data Source={db.Path};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = """
                CREATE TABLE runs (id TEXT PRIMARY KEY, kind INTEGER NOT NULL, state INTEGER NOT NULL, status_detail TEXT NOT NULL,
                  workload TEXT NOT NULL, kernel_profile TEXT NOT NULL, baseline TEXT NOT NULL, policies TEXT NOT NULL,
                  description TEXT NOT NULL, request BLOB NOT NULL, request_hash TEXT NOT NULL, created_at INTEGER NOT NULL,
                  started_at INTEGER, finished_at INTEGER, report TEXT);
                CREATE TABLE run_simulations (run_id TEXT NOT NULL REFERENCES runs(id), idx INTEGER NOT NULL, label TEXT NOT NULL,
                  parameters TEXT NOT NULL, seed TEXT NOT NULL, replication INTEGER NOT NULL, result_key TEXT NOT NULL,
                  status TEXT NOT NULL, from_store INTEGER NOT NULL, PRIMARY KEY (run_id, idx));
                CREATE TABLE results (key TEXT PRIMARY KEY, status TEXT NOT NULL, json TEXT NOT NULL);
                INSERT INTO runs VALUES ('01ARZ3NDEKTSV4RRFFQ69G5FAV', 1, 4, 'old', 'w', 'v4.9', 'a', '["a","b"]', '', x'', 'h', 1, 1, 2, NULL);
                PRAGMA user_version = 1;
                """;
            create.ExecuteNonQuery();
        }

        await using (var service = await TestService.StartAsync(TestService.OptionsFor(db.Path)))
        {
            var old = await service.Runs.GetRunAsync(new GetRunRequest { RunId = "01ARZ3NDEKTSV4RRFFQ69G5FAV" }, deadline: TestService.Deadline());
            Assert.That(old.StatusDetail, Is.EqualTo("old"));
            Assert.That(old.State, Is.EqualTo(RunState.Failed), "schema 1's state 4");
            Assert.That(old.Kind, Is.EqualTo(RunKind.Single));
        }

        using var check = new SqliteConnection($"Data Source={db.Path};Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        Assert.That((long)version.ExecuteScalar()!, Is.EqualTo(4));
        version.CommandText = "PRAGMA auto_vacuum";
        Assert.That((long)version.ExecuteScalar()!, Is.EqualTo(2), "the file, created without auto-vacuum, was rewritten with INCREMENTAL");
        version.CommandText = "SELECT owner || '|' || state || '|' || kind FROM runs";
        Assert.That(version.ExecuteScalar(), Is.EqualTo("|failed|single"), "owner added, state and kind by name");
    }

    [Test]
    public async Task StartAsync_SchemaVersion2Store_RequestBytesMigratedToJsonAndTheRunServed()
    {
        using var db = new TempDatabase();
        var request = Requests.Comparison(Workloads.Burst(10), 4, 5);
        request.Timeout = new Google.Protobuf.WellKnownTypes.Duration { Seconds = 90, Nanos = 5 };
        request.Description = "from schema 2";
        string runId;
        await using (var service = await TestService.StartAsync(TestService.OptionsFor(db.Path)))
        {
            runId = (await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(request, deadline: TestService.Deadline()))).Id;
        }

        // Back to schema 2 as its build wrote it: the request as protobuf bytes in `request`, no `request_json`; results
        // as text.
        Dictionary<string, string> results;
        using (var connection = new SqliteConnection($"Data Source={db.Path};Pooling=False"))
        {
            connection.Open();
            results = Persistence.SchemaDowngrade.ToSchema3(connection);
            using var downgrade = connection.CreateCommand();
            downgrade.CommandText = "ALTER TABLE runs ADD COLUMN request BLOB NOT NULL DEFAULT x''; UPDATE runs SET request = $bytes; ALTER TABLE runs DROP COLUMN request_json; PRAGMA user_version = 2;";
            downgrade.Parameters.AddWithValue("$bytes", Google.Protobuf.MessageExtensions.ToByteArray(request));
            downgrade.ExecuteNonQuery();
        }

        await using (var service = await TestService.StartAsync(TestService.OptionsFor(db.Path)))
        {
            var again = await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(request, deadline: TestService.Deadline()));
            var old = await service.Runs.GetRunAsync(new GetRunRequest { RunId = runId }, deadline: TestService.Deadline());
            Assert.That(old.State, Is.EqualTo(RunState.Succeeded));
            Assert.That(old.Description, Is.EqualTo("from schema 2"));
            Assert.That(again.SimulationsFromStore, Is.EqualTo(again.SimulationsTotal), "the migrated run's results still serve the same request");
        }

        using var check = new SqliteConnection($"Data Source={db.Path};Pooling=False");
        check.Open();
        using var query = check.CreateCommand();
        query.CommandText = "PRAGMA user_version";
        Assert.That((long)query.ExecuteScalar()!, Is.EqualTo(4));
        query.CommandText = "SELECT count(*) FROM pragma_table_info('results') WHERE name = 'json'";
        Assert.That((long)query.ExecuteScalar()!, Is.Zero, "results are stored gzipped (body), not as text");
        using (var store = new Service.Persistence.SqliteRunStore(Microsoft.Extensions.Options.Options.Create(TestService.OptionsFor(db.Path)), new Api.ProtobufRequestReader()))
        {
            Assert.That(store.ReadResults(results.Keys), Is.EqualTo(results), "each result reads back byte for byte");
        }

        query.CommandText = "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'request'";
        Assert.That((long)query.ExecuteScalar()!, Is.Zero, "the bytes column is dropped");
        query.CommandText = "SELECT request_json FROM runs WHERE id = $id";
        query.Parameters.AddWithValue("$id", runId);
        var json = (string)query.ExecuteScalar()!;
        Assert.That(json, Does.StartWith("{\"schema_version\":1,"));
        Assert.That(Api.RunMapping.ToMessage(Service.Persistence.StoredRequest.FromJson(json).ToRequest()), Is.EqualTo(request), "the stored record gives back the request");
    }

    [Test]
    public void FromJson_UnknownSchemaVersion_RefusedNamingIt()
    {
        var json = Service.Persistence.StoredRequest.From(Api.RunMapping.ToRequest(Requests.Comparison(Workloads.Burst(10), 1))).ToJson().Replace("\"schema_version\":1", "\"schema_version\":7", StringComparison.Ordinal);

        var e = Assert.Throws<InvalidDataException>(() => Service.Persistence.StoredRequest.FromJson(json));

        Assert.That(e!.Message, Does.Contain("schema_version 7"));
    }

    [Test]
    public void StartAsync_StoreFromANewerBuild_RefusesNamingTheVersion()
    {
        using var db = new TempDatabase();
        using (var connection = new SqliteConnection($"Data Source={db.Path};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE x (y); PRAGMA user_version = 99;";
            create.ExecuteNonQuery();
        }

        var e = Assert.ThrowsAsync<InvalidOperationException>(async () => await TestService.StartAsync(TestService.OptionsFor(db.Path)));

        Assert.That(e!.Message, Does.Contain("schema version 99"));
    }
}
