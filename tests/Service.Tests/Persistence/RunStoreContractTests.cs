using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Service.Tests.Support;
using TournamentState = NetnsPolicy.Service.Tournaments.TournamentState;
using RunKind = NetnsPolicy.Service.Runs.RunKind;
using RunState = NetnsPolicy.Service.Runs.RunState;

namespace NetnsPolicy.Service.Tests.Persistence;

/// <summary>
/// The store's contract (<see cref="IRunStore"/>), one suite for both engines: SQLite in a temporary folder and
/// PostgreSQL on a private server started once for the fixture. Every test gets an empty store of its own.
/// </summary>
[TestFixture(typeof(SqliteStoreEngine))]
[TestFixture(typeof(PostgresStoreEngine))]
[NonParallelizable]
public sealed class RunStoreContractTests(Type engineType)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private readonly StoreEngine _engine = (StoreEngine)Activator.CreateInstance(engineType)!;
    private readonly List<IRunStore> _opened = [];

    [OneTimeSetUp]
    public async Task StartEngine()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _engine.StartAsync(cts.Token).WaitAsync(Timeout);
    }

    [OneTimeTearDown]
    public async Task StopEngine() => await _engine.DisposeAsync().AsTask().WaitAsync(Timeout);

    [SetUp]
    public void NewStore() => _engine.NewStore();

    [TearDown]
    public void CloseStores()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        _opened.Clear();
    }

    [Test]
    public void Open_EmptyStore_CurrentSchemaVersionReachableAndWritable()
    {
        var store = Open();

        Assert.That(store.SchemaVersion, Is.EqualTo(4));
        Assert.That(_engine.StoredSchemaVersion(), Is.EqualTo(store.SchemaVersion));
        Assert.That(store.IsReachable(), Is.True);
        Assert.That(store.Fault, Is.Null);
        Assert.That(store.TryRecover(), Is.True);
    }

    [Test]
    public void Open_Again_SeesWhatTheFirstStored()
    {
        Open().InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAA", Plan(("a", "k1")), T0, new Dictionary<int, string>(), "key:alice");

        var again = Open();

        Assert.That(again.GetRun("01AAAAAAAAAAAAAAAAAAAAAAAA")?.Owner, Is.EqualTo("key:alice"));
        Assert.That(_engine.StoredSchemaVersion(), Is.EqualTo(4));
    }

    [Test]
    public void Open_StoreOfANewerSchema_RefusesNamingTheVersion()
    {
        Open().Dispose();
        _engine.SetStoredSchemaVersion(99);

        var e = Assert.Throws<InvalidOperationException>(() => Open());

        Assert.That(e!.Message, Does.Contain("schema version 99").And.Contain("newer than this build's 4"));
    }

    [Test]
    public void Open_Schema3Store_ResultsAndReportsMigratedToGzipAndReadBackByteForByte()
    {
        var store = Open();
        store.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAA", Plan(("a", "k1"), ("b", "k2")), T0, new Dictionary<int, string>());
        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 0, "k1", "ok", "{\n  \"a\": \"é ∞ \\u0000\"\n}");
        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 1, "k2", "budget-exceeded", new string('x', 100_000));
        store.Finish("01AAAAAAAAAAAAAAAAAAAAAAAA", RunState.Succeeded, "", T0, "{\"report\": \"∞\"}");
        store.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAB", Plan(("a", "k1")), T0, new Dictionary<int, string>());
        store.Dispose();
        Dictionary<string, string> results;
        using (var connection = _engine.Connect())
        {
            results = SchemaDowngrade.ToSchema3(connection);
        }

        _engine.SetStoredSchemaVersion(3);

        var migrated = Open();

        Assert.That(_engine.StoredSchemaVersion(), Is.EqualTo(4));
        Assert.That(migrated.ReadResults(["k1", "k2"]), Is.EqualTo(results));
        Assert.That(migrated.FindResults(["k1", "k2"]), Is.EqualTo(new Dictionary<string, string> { ["k1"] = "ok", ["k2"] = "budget-exceeded" }));
        Assert.That(migrated.GetReport("01AAAAAAAAAAAAAAAAAAAAAAAA"), Is.EqualTo("{\"report\": \"∞\"}"));
        Assert.That(migrated.GetReport("01AAAAAAAAAAAAAAAAAAAAAAAB"), Is.Null);
        Assert.That(results["k1"], Is.EqualTo("{\n  \"a\": \"é ∞ \\u0000\"\n}"));
    }

    [Test]
    public void InsertRun_ThenGetRun_EveryFieldAndTheRequestBack()
    {
        var store = Open();
        var plan = Plan(("a", "k1"), ("b", "k2"), ("a", "k3"));

        store.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAA", plan, T0, new Dictionary<int, string> { [1] = "ok" }, "key:alice");
        var stored = store.GetRun("01AAAAAAAAAAAAAAAAAAAAAAAA")!;
        var run = stored.Run;
        var simulations = store.GetSimulations(run.Id);

        Assert.That(run.Kind, Is.EqualTo(RunKind.Comparison));
        Assert.That(run.State, Is.EqualTo(RunState.Queued));
        Assert.That((run.Workload, run.KernelProfile, run.Baseline, run.Description, run.RequestHash, stored.Owner),
            Is.EqualTo(("w", "v4.9", "a", "described", "hash-1", "key:alice")));
        Assert.That(run.Policies, Is.EqualTo(new[] { "a", "b" }));
        Assert.That((run.CreatedAt, run.StartedAt, run.FinishedAt), Is.EqualTo((T0, (DateTimeOffset?)null, (DateTimeOffset?)null)));
        Assert.That((run.SimulationsTotal, run.SimulationsDone, run.SimulationsFromStore), Is.EqualTo((3, 1, 1)));
        Assert.That(StoredRequest.From(stored.Request).ToJson(), Is.EqualTo(StoredRequest.From(plan.Request).ToJson()));
        Assert.That(stored.Request.Timeout, Is.EqualTo(new RequestDuration(90, 5)));
        Assert.That(simulations.Select(s => (s.Index, s.Label, s.Seed, s.ResultKey, s.Status, s.FromStore)),
            Is.EqualTo(new[] { (0, "a", 18446744073709551615UL, "k1", "", false), (1, "b", 18446744073709551615UL, "k2", "ok", true), (2, "a", 18446744073709551615UL, "k3", "", false) }));
        Assert.That(store.GetRun("01BBBBBBBBBBBBBBBBBBBBBBBB"), Is.Null);
    }

    [Test]
    public void CompleteSimulation_SameKeyTwice_TheFirstResultStays()
    {
        var store = Open();
        store.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAA", Plan(("a", "k1"), ("b", "k1")), T0, new Dictionary<int, string>());

        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 0, "k1", "ok", "{\"first\":1}");
        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 1, "k1", "ok", "{\"second\":2}");

        Assert.That(store.ReadResults(["k1"])["k1"], Is.EqualTo("{\"first\":1}"));
        Assert.That(_engine.Count("results"), Is.EqualTo(1));
        Assert.That(store.GetSimulations("01AAAAAAAAAAAAAAAAAAAAAAAA").Select(s => s.Status), Is.EqualTo(new[] { "ok", "ok" }));
    }

    [Test]
    public void CompleteSimulation_BudgetExceededThenComplete_TheCompleteResultReplacesIt()
    {
        var store = Open();
        store.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAA", Plan(("a", "k1")), T0, new Dictionary<int, string>());

        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 0, "k1", "budget-exceeded", "{\"partial\":1}");
        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 0, "k1", "ok", "{\"whole\":1}");
        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 0, "k1", "budget-exceeded", "{\"partial\":2}");

        Assert.That(store.FindResults(["k1", "absent"]), Is.EqualTo(new Dictionary<string, string> { ["k1"] = "ok" }));
        Assert.That(store.ReadResults(["k1"])["k1"], Is.EqualTo("{\"whole\":1}"));
    }

    [Test]
    public async Task CompleteSimulation_TwoProcessesFinishTheSameSimulations_EachResultStoredOnce()
    {
        // Two silos on one store run the same 200 simulations at once: every result is inserted once, the first
        // writer's, and both see it.
        const int Simulations = 200;
        var keys = Enumerable.Range(0, Simulations).Select(i => $"k{i}").ToArray();
        Open().InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAA", Plan([.. keys.Select(k => ("a", k))]), T0, new Dictionary<int, string>());
        var silos = new[] { Open(), Open() };

        await Task.WhenAll(silos.Select((store, silo) => Task.Run(() =>
        {
            for (var i = 0; i < Simulations; i++)
            {
                store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", i, keys[i], "ok", $"{{\"silo\":{silo}}}");
            }
        }))).WaitAsync(Timeout);

        Assert.That(_engine.Count("results"), Is.EqualTo(Simulations));
        Assert.That(silos[0].ReadResults(keys), Is.EqualTo(silos[1].ReadResults(keys)));
        Assert.That(silos[0].ReadResults(keys).Values.Distinct().Order(), Is.SubsetOf(new[] { "{\"silo\":0}", "{\"silo\":1}" }));
        Assert.That(silos[1].GetRun("01AAAAAAAAAAAAAAAAAAAAAAAA")!.Run.SimulationsDone, Is.EqualTo(Simulations));
    }

    [Test]
    public void InsertRun_AdmitBelowReachedByAnotherProcess_RefusedOnQueueUntilOneFinishes()
    {
        // A cluster's queue limit: two silos on one store, MaxQueuedRuns = 2 counted from the store.
        var (a, b) = (Open(), Open());
        a.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAA", Plan(("a", "k1")), T0, new Dictionary<int, string>(), admitBelow: 2);
        b.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAB", Plan(("a", "k2")), T0, new Dictionary<int, string>(), admitBelow: 2);

        var refused = Assert.Throws<LimitExceededException>(() => a.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAC", Plan(("a", "k3")), T0, new Dictionary<int, string>(), admitBelow: 2));
        Assert.That(refused!.Subject, Is.EqualTo("queue"));
        Assert.That(refused.Description, Does.StartWith("2 runs are queued or running in the cluster; it admits at most 2"));
        Assert.That(b.GetRun("01AAAAAAAAAAAAAAAAAAAAAAAC"), Is.Null, "a refused run is not stored");

        b.Finish("01AAAAAAAAAAAAAAAAAAAAAAAA", RunState.Cancelled, "", T0, null);
        a.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAC", Plan(("a", "k3")), T0, new Dictionary<int, string>(), admitBelow: 2);
        Assert.That(b.UnfinishedRunIds(), Is.EqualTo(new[] { "01AAAAAAAAAAAAAAAAAAAAAAAB", "01AAAAAAAAAAAAAAAAAAAAAAAC" }));
    }

    [Test]
    public async Task InsertRun_FourProcessesAdmitAtOnce_NeverMoreThanTheLimit()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => Open()).ToArray();
        var admitted = await Task.WhenAll(stores.Select((store, p) => Task.Run(() =>
        {
            var count = 0;
            for (var i = 0; i < 5; i++)
            {
                try
                {
                    store.InsertRun($"01AAAAAAAAAAAAAAAAAAAAAA{p}{i}", Plan(("a", $"k{p}{i}")), T0, new Dictionary<int, string>(), admitBelow: 3);
                    count++;
                }
                catch (LimitExceededException)
                {
                    // The cluster is full.
                }
            }

            return count;
        }))).WaitAsync(Timeout);

        Assert.That(admitted.Sum(), Is.EqualTo(3));
        Assert.That(_engine.Count("runs"), Is.EqualTo(3));
    }

    [Test]
    public void MarkStartedThenFinish_StateTimesAndReportStored()
    {
        var store = Open();
        store.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAA", Plan(("a", "k1")), T0, new Dictionary<int, string>());

        store.MarkStarted("01AAAAAAAAAAAAAAAAAAAAAAAA", T0.AddSeconds(1));
        store.MarkStarted("01AAAAAAAAAAAAAAAAAAAAAAAA", T0.AddSeconds(2));
        var running = store.GetRun("01AAAAAAAAAAAAAAAAAAAAAAAA")!.Run;
        store.Finish("01AAAAAAAAAAAAAAAAAAAAAAAA", RunState.Succeeded, "", T0.AddSeconds(3), "{\"report\":true}");
        var finished = store.GetRun("01AAAAAAAAAAAAAAAAAAAAAAAA")!.Run;

        Assert.That((running.State, running.StartedAt), Is.EqualTo((RunState.Running, (DateTimeOffset?)T0.AddSeconds(1))));
        Assert.That((finished.State, finished.StartedAt, finished.FinishedAt), Is.EqualTo((RunState.Succeeded, (DateTimeOffset?)T0.AddSeconds(1), (DateTimeOffset?)T0.AddSeconds(3))));
        Assert.That(store.GetReport("01AAAAAAAAAAAAAAAAAAAAAAAA"), Is.EqualTo("{\"report\":true}"));
    }

    [Test]
    public void ListRuns_NewestFirstInPagesAndByState()
    {
        var store = Open();
        var ids = new[] { "01AAAAAAAAAAAAAAAAAAAAAAAA", "01AAAAAAAAAAAAAAAAAAAAAAAB", "01AAAAAAAAAAAAAAAAAAAAAAAC", "01AAAAAAAAAAAAAAAAAAAAAAAD" };
        foreach (var id in ids)
        {
            store.InsertRun(id, Plan(("a", "k-" + id)), T0, new Dictionary<int, string>());
        }

        store.Finish(ids[1], RunState.Failed, "broken", T0, null);
        store.Finish(ids[2], RunState.DeadlineExceeded, "late", T0, null);

        Assert.That(store.ListRuns(2, null, []).Select(r => r.Run.Id), Is.EqualTo(new[] { ids[3], ids[2] }));
        Assert.That(store.ListRuns(2, ids[2], []).Select(r => r.Run.Id), Is.EqualTo(new[] { ids[1], ids[0] }));
        Assert.That(store.ListRuns(10, null, [RunState.Failed, RunState.DeadlineExceeded]).Select(r => (r.Run.Id, r.Run.State, r.Run.StatusDetail)),
            Is.EqualTo(new[] { (ids[2], RunState.DeadlineExceeded, "late"), (ids[1], RunState.Failed, "broken") }));
        Assert.That(store.UnfinishedRunIds(), Is.EqualTo(new[] { ids[0], ids[3] }));
        Assert.That(store.FinishedRunIds(null, 1), Is.EqualTo(new[] { ids[1] }));
        Assert.That(store.FinishedRunIds(T0, 10), Is.Empty, "none created before T0");
        Assert.That(store.FinishedRunIds(T0.AddMilliseconds(1), 10), Is.EqualTo(new[] { ids[1], ids[2] }));
    }

    [Test]
    public void DeleteRun_ResultsOnlyItUsed_GoWithItSharedOnesStay()
    {
        var store = Open();
        store.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAA", Plan(("a", "shared"), ("b", "own"), ("c", "own")), T0, new Dictionary<int, string>());
        store.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAB", Plan(("a", "shared")), T0, new Dictionary<int, string>());
        store.InsertTournament(Tournament("01TTTTTTTTTTTTTTTTTTTTTTTT"));
        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 0, "shared", "ok", "{}");
        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 1, "own", "ok", "{}");
        store.AddTournamentResult("01TTTTTTTTTTTTTTTTTTTTTTTT", "in-tournament", "ok", "{}");
        store.AddTournamentResult("01TTTTTTTTTTTTTTTTTTTTTTTT", "in-tournament", "ok", "{}");
        store.Finish("01AAAAAAAAAAAAAAAAAAAAAAAA", RunState.Succeeded, "", T0, "{}");

        var deleted = store.DeleteRun("01AAAAAAAAAAAAAAAAAAAAAAAA");

        Assert.That(deleted, Is.EqualTo(1), "'own' only");
        Assert.That(store.GetRun("01AAAAAAAAAAAAAAAAAAAAAAAA"), Is.Null);
        Assert.That(store.GetSimulations("01AAAAAAAAAAAAAAAAAAAAAAAA"), Is.Empty);
        Assert.That(store.FindResults(["shared", "own", "in-tournament"]).Keys, Is.EquivalentTo(new[] { "shared", "in-tournament" }));
        Assert.That(store.DeleteTournament("01TTTTTTTTTTTTTTTTTTTTTTTT"), Is.EqualTo(1));
        Assert.That(store.ListTournaments(), Is.Empty);
        Assert.That(store.FindResults(["in-tournament"]), Is.Empty);
    }

    [Test]
    public void Tournaments_InsertFinishList_OldestFirstWithEveryField()
    {
        var store = Open();
        store.InsertTournament(Tournament("01TTTTTTTTTTTTTTTTTTTTTTTB", TimeSpan.FromSeconds(90)));
        store.InsertTournament(Tournament("01TTTTTTTTTTTTTTTTTTTTTTTA", null));

        store.FinishTournament("01TTTTTTTTTTTTTTTTTTTTTTTB", TournamentState.GateFailed, "at least one gate failed", T0.AddMinutes(1));
        var listed = store.ListTournaments();

        Assert.That(listed.Select(t => t.Id), Is.EqualTo(new[] { "01TTTTTTTTTTTTTTTTTTTTTTTA", "01TTTTTTTTTTTTTTTTTTTTTTTB" }));
        Assert.That(listed[1], Is.EqualTo(Tournament("01TTTTTTTTTTTTTTTTTTTTTTTB", TimeSpan.FromSeconds(90)) with
        {
            State = TournamentState.GateFailed,
            StatusDetail = "at least one gate failed",
            FinishedAt = T0.AddMinutes(1),
        }));
        Assert.That(listed[0].TimeBudget, Is.Null);
    }

    [Test]
    public void GetTournament_ByIdAsListedOrNullWhenMissing()
    {
        var store = Open();
        store.InsertTournament(Tournament("01TTTTTTTTTTTTTTTTTTTTTTTB", TimeSpan.FromSeconds(90)));
        store.InsertTournament(Tournament("01TTTTTTTTTTTTTTTTTTTTTTTA", null));
        store.FinishTournament("01TTTTTTTTTTTTTTTTTTTTTTTB", TournamentState.Passed, "", T0.AddMinutes(2));

        Assert.Multiple(() =>
        {
            Assert.That(store.GetTournament("01TTTTTTTTTTTTTTTTTTTTTTTB"), Is.EqualTo(store.ListTournaments()[1]));
            Assert.That(store.GetTournament("01TTTTTTTTTTTTTTTTTTTTTTTB")!.State, Is.EqualTo(TournamentState.Passed));
            Assert.That(store.GetTournament("01TTTTTTTTTTTTTTTTTTTTTTTA")!.TimeBudget, Is.Null);
            Assert.That(store.GetTournament("01TTTTTTTTTTTTTTTTTTTTTTTC"), Is.Null);
        });
    }

    [Test]
    public void UsedBytes_AfterDeletingARun_Smaller()
    {
        var store = Open();
        // Incompressible (gzip keeps its size), so that the rows span many pages.
        var noise = new byte[192 * 1024];
        new Random(7).NextBytes(noise);
        var big = "{\"series\":\"" + Convert.ToBase64String(noise) + "\"}";
        store.InsertRun("01AAAAAAAAAAAAAAAAAAAAAAAA", Plan(("a", "k1"), ("a", "k2")), T0, new Dictionary<int, string>());
        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 0, "k1", "ok", big);
        store.CompleteSimulation("01AAAAAAAAAAAAAAAAAAAAAAAA", 1, "k2", "ok", big[..^3] + "==\"}");
        store.Finish("01AAAAAAAAAAAAAAAAAAAAAAAA", RunState.Succeeded, "", T0, "{}");
        var before = store.UsedBytes();

        store.DeleteRun("01AAAAAAAAAAAAAAAAAAAAAAAA");

        Assert.That(store.UsedBytes(), Is.LessThan(before - (256 * 1024)), "two results of about 190 KB each are gone");
    }

    [Test]
    public async Task Service_OnThisStore_ComparisonSucceedsAndTheSameRequestIsServedFromIt()
    {
        var options = _engine.ServiceOptions();
        var request = Requests.Comparison(Workloads.Burst(10), 3, 4);
        Run first;
        await using (var service = await TestService.StartAsync(options))
        {
            first = await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(request, deadline: TestService.Deadline()));
        }

        await using var restarted = await TestService.StartAsync(options);
        var again = await restarted.CompleteAsync(await restarted.Runs.SubmitComparisonAsync(request, deadline: TestService.Deadline()));
        var report = await restarted.Runs.GetReportAsync(new GetReportRequest { RunId = first.Id }, deadline: TestService.Deadline());

        Assert.That(first.State, Is.EqualTo(Contracts.V1.RunState.Succeeded));
        Assert.That(again.SimulationsFromStore, Is.EqualTo(4));
        Assert.That(report.Report.Policies.Select(p => p.Policy), Is.EqualTo(new[] { "baseline", "contender" }));
        Assert.That(_engine.Count("results"), Is.EqualTo(4));
    }

    [Test]
    public async Task Service_TwoProcessesOnThisStore_EachListsAndWatchesTheOthersRunToItsEnd()
    {
        // Two service processes share the store (silos of a cluster): B lists A's run and follows it, while A runs it,
        // to its end.
        using var gate = new GatedExecutor();
        await using var b = await TestService.StartAsync(_engine.ServiceOptions());
        await using var a = await TestService.StartAsync(_engine.ServiceOptions(),
            builder => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<ISimulationExecutor>(builder.Services, gate));
        var run = await a.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline());
        await gate.WaitStartedAsync(2).WaitAsync(Timeout);

        var listed = await b.Runs.ListRunsAsync(new ListRunsRequest(), deadline: TestService.Deadline());
        using var watch = b.Runs.WatchRun(new WatchRunRequest { RunId = run.Id }, deadline: TestService.Deadline());
        Assert.That(await watch.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout), Is.True);
        var first = watch.ResponseStream.Current;
        gate.Release(2);
        var messages = new List<RunProgress> { first };
        while (await watch.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout))
        {
            messages.Add(watch.ResponseStream.Current);
        }

        Assert.That(listed.Runs.Select(r => (r.Id, r.State)), Is.EqualTo(new[] { (run.Id, Contracts.V1.RunState.Running) }));
        Assert.That((first.State, first.FinalRun), Is.EqualTo((Contracts.V1.RunState.Running, (Run?)null)), "B follows the run while A runs it");
        Assert.That(messages[^1].FinalRun?.State, Is.EqualTo(Contracts.V1.RunState.Succeeded));
        Assert.That(messages[^1].FinalRun?.Simulations.Select(s => s.Status), Is.EqualTo(new[] { "ok", "ok" }));
    }

    [Test]
    public async Task Service_TwoProcessesOnThisStore_EachWatchesTheOthersTournamentToItsEnd()
    {
        const string Tournament = """
            {
              "format_version": 1, "name": "shared-store", "baseline": "upstream",
              "policies": [ { "policy": "upstream" }, { "policy": "batching", "parameters": { "batch_size": 4 } } ],
              "tracks": [ { "name": "burst-10", "workload": "seed-1000-maxcpus1", "workload_patch": { "name": "burst-10", "burst": { "count": 10 } } } ],
              "replications": 2
            }
            """;
        using var gate = new GatedExecutor();
        await using var b = await TestService.StartAsync(_engine.ServiceOptions());
        await using var a = await TestService.StartAsync(_engine.ServiceOptions(),
            builder => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<ISimulationExecutor>(builder.Services, gate));
        var onA = new TournamentService.TournamentServiceClient(a.Channel);
        var onB = new TournamentService.TournamentServiceClient(b.Channel);
        var started = await onA.StartTournamentAsync(new StartTournamentRequest { TournamentJson = Tournament }, deadline: TestService.Deadline());
        await gate.WaitStartedAsync(2).WaitAsync(Timeout);

        using var watch = onB.WatchTournament(new WatchTournamentRequest { TournamentId = started.Id }, deadline: TestService.Deadline());
        Assert.That(await watch.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout), Is.True);
        var first = watch.ResponseStream.Current;
        gate.Release(4);
        var last = first;
        while (await watch.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout))
        {
            last = watch.ResponseStream.Current;
        }

        var onItsSilo = await onA.GetTournamentAsync(new GetTournamentRequest { TournamentId = started.Id }, deadline: TestService.Deadline());
        Assert.That((first.State, first.SimulationsTotal, first.FinalTournament), Is.EqualTo((Contracts.V1.TournamentState.Running, 4, (Contracts.V1.Tournament?)null)));
        Assert.That(last.FinalTournament?.State, Is.Not.EqualTo(Contracts.V1.TournamentState.Running).And.EqualTo(onItsSilo.State));
        Assert.That(last.FinalTournament?.Id, Is.EqualTo(started.Id));
    }

    private IRunStore Open()
    {
        var store = _engine.Open();
        _opened.Add(store);
        return store;
    }

    private static StoredTournament Tournament(string id, TimeSpan? budget = null) =>
        new(id, "t", "key:alice", TournamentState.Running, "", "{\"name\":\"t\"}", budget, 12, T0, null);

    /// <summary>A comparison plan of the given (label, result key) simulations; the store keeps what it is given.</summary>
    private static RunPlan Plan(params (string Label, string Key)[] simulations)
    {
        var labels = simulations.Select(s => s.Label).Distinct().ToList();
        var request = new RunRequest("{\"format_version\":1}", null, "v4.9",
            [.. labels.Select(l => new ContenderRequest(l, "batching", new Dictionary<string, string> { ["z"] = "2", ["batch_size"] = "4" }))],
            "a", [1, 2], 1, new RequestDuration(90, 5), "described");
        return new RunPlan(RunKind.Comparison, request, "w", "v4.9", "a",
            [.. labels.Select(l => new ContenderPlan(l, "batching", "batch_size=4", "sha"))],
            [.. simulations.Select((s, i) => new PlannedSimulation(i, s.Label, "batch_size=4", ulong.MaxValue, 0, s.Key,
                new SimulationInput("{}", "v4.9", "batching", new Dictionary<string, string>(), "sha", ulong.MaxValue, 0)))],
            TimeSpan.FromSeconds(90), "hash-1");
    }
}
