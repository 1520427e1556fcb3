using Grpc.Core;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>Tournaments through the service: the tournament library's runner on the service's scheduler.</summary>
[TestFixture]
[NonParallelizable]
public sealed class TournamentTests
{
    private const string SmallTournament = """
        {
          "format_version": 1,
          "name": "service-test",
          "baseline": "upstream",
          "policies": [
            { "policy": "upstream" },
            { "policy": "batching", "sweep": { "batch_size": [4, 8] } }
          ],
          "tracks": [
            { "name": "burst-20", "workload": "seed-1000-maxcpus1", "workload_patch": { "name": "burst-20", "burst": { "count": 20 } } }
          ],
          "replications": 2,
          "gates": [ { "kind": "no-disqualified" } ],
          "stability": { "resamples": 100, "seed": 1 }
        }
        """;

    private TempDatabase _db = null!;
    private TestService _service = null!;
    private TournamentService.TournamentServiceClient _tournaments = null!;

    [OneTimeSetUp]
    public async Task StartService()
    {
        _db = new TempDatabase();
        _service = await TestService.StartAsync(TestService.OptionsFor(_db.Path));
        _tournaments = new TournamentService.TournamentServiceClient(_service.Channel);
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        await _service.DisposeAsync();
        _db.Dispose();
    }

    [Test]
    public async Task StartTournament_SmallFile_WatchedToRankingAndArtifacts()
    {
        var started = await _tournaments.StartTournamentAsync(new StartTournamentRequest { TournamentJson = SmallTournament }, deadline: TestService.Deadline());
        Assert.That(started.State, Is.EqualTo(TournamentState.Running));
        Assert.That(started.SimulationsTotal, Is.EqualTo(6));

        using var watch = _tournaments.WatchTournament(new WatchTournamentRequest { TournamentId = started.Id }, deadline: TestService.Deadline());
        var messages = new List<TournamentProgress>();
        await foreach (var progress in watch.ResponseStream.ReadAllAsync())
        {
            messages.Add(progress);
        }

        var final = messages[^1].FinalTournament;
        Assert.That(final, Is.Not.Null);
        Assert.That(final.State, Is.EqualTo(TournamentState.Passed), final.StatusDetail + "\n" + final.Markdown);
        Assert.That(final.SimulationsDone, Is.EqualTo(6));
        Assert.That(messages.Select(m => m.SimulationsDone), Is.Ordered);
        Assert.That(final.Ranking.Select(r => r.Contender), Is.EquivalentTo(new[] { "upstream", "batching[batch_size=4]", "batching[batch_size=8]" }));
        Assert.That(final.Ranking.Where(r => r.Rank > 0).Select(r => r.Rank), Is.Ordered);
        Assert.That(final.Gates, Is.Not.Empty);
        Assert.That(final.Gates.All(g => g.Passed && g.Status == "pass"), Is.True);
        Assert.That(final.Markdown, Does.Contain("service-test"));
        Assert.That(final.JunitXml, Does.Contain("<testsuite"));
        Assert.That(final.Json.TrimStart(), Does.StartWith("{"));
        Assert.That(final.Html, Does.Contain("<html").IgnoreCase);

        var fetched = await _tournaments.GetTournamentAsync(new GetTournamentRequest { TournamentId = started.Id }, deadline: TestService.Deadline());
        Assert.That(fetched, Is.EqualTo(final));

        // Listed and deleted like runs.
        var listed = await _tournaments.ListTournamentsAsync(new ListTournamentsRequest(), deadline: TestService.Deadline());
        Assert.That(listed.Tournaments.Select(t => t.Id), Does.Contain(started.Id));
        Assert.That(listed.Tournaments.Single(t => t.Id == started.Id).State, Is.EqualTo(TournamentState.Passed));
        var deleted = await _tournaments.DeleteTournamentAsync(new DeleteTournamentRequest { TournamentId = started.Id }, deadline: TestService.Deadline());
        Assert.That(deleted.ResultsDeleted, Is.EqualTo(6), "its six simulations' results, which no run shares");
        await RpcAssert.FailsWith(StatusCode.NotFound,
            () => _tournaments.GetTournamentAsync(new GetTournamentRequest { TournamentId = started.Id }, deadline: TestService.Deadline()).ResponseAsync);
    }

    [Test]
    public async Task StartTournament_NoBaseline_InvalidArgumentNamingTheField()
    {
        var json = SmallTournament.Replace("\"baseline\": \"upstream\",", "", StringComparison.Ordinal);

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => _tournaments.StartTournamentAsync(new StartTournamentRequest { TournamentJson = json }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Does.Contain("tournament_json.baseline"));
    }

    [Test]
    public async Task StartTournament_TrackOverNamespaceLimit_ResourceExhaustedNamingTheTrack()
    {
        var json = SmallTournament.Replace("\"count\": 20", "\"count\": 50000", StringComparison.Ordinal);

        var error = await RpcAssert.FailsWith(StatusCode.ResourceExhausted,
            () => _tournaments.StartTournamentAsync(new StartTournamentRequest { TournamentJson = json }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Is.EqualTo(new[] { "tournament_json.tracks[0].workload.burst.count" }));
    }

    [Test]
    public async Task GetTournament_Unknown_NotFound()
    {
        var error = await RpcAssert.FailsWith(StatusCode.NotFound,
            () => _tournaments.GetTournamentAsync(new GetTournamentRequest { TournamentId = "01ARZ3NDEKTSV4RRFFQ69G5FAV" }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(error.Status.Detail, Does.StartWith("tournament_id"));
    }
}
