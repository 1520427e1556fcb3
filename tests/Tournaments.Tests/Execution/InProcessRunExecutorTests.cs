using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Tournaments.Tests.Execution;

/// <summary>Tournaments on the real engine with small test policies: a 60-netns burst with a creation probe.</summary>
[TestFixture]
public sealed class InProcessRunExecutorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private const string Tournament = """
        {
          "format_version": 1,
          "name": "in-process",
          "baseline": "upstream",
          "policies": [
            { "policy": "upstream" },
            { "policy": "test-small-batches", "parameters": { "batch_size": 4 } },
            { "policy": "test-faulting" }
          ],
          "tracks": [
            { "name": "burst", "workload": "seed-1000-maxcpus1", "workload_patch": { "burst": { "count": 60 }, "probe": { "interval_ms": 5, "stop_ms": 300 } } }
          ],
          "replications": 3,
          "metrics": ["teardown_seconds", "creation_latency_max_ms"],
          "gates": [ { "kind": "no-disqualified" }, { "kind": "must-act" } ],
          "stability": { "resamples": 200, "seed": 1 }
        }
        """;

    private static Task<TournamentResult> RunAsync()
    {
        var catalog = new TestPolicyCatalog();
        var tournament = TournamentLoader.Parse(Tournament, catalog: catalog);
        return new TournamentRunner(new InProcessRunExecutor(catalog)).RunAsync(tournament).WaitAsync(Timeout);
    }

    [Test]
    public async Task RunAsync_RealEngine_PoliciesActFaultsDisqualifyAndGatesFail()
    {
        var result = await RunAsync();
        var report = result.Tracks[0].Report!;
        var small = report.Policies.Single(p => p.Policy == "test-small-batches");
        var faulting = report.Policies.Single(p => p.Policy == "test-faulting");
        Assert.Multiple(() =>
        {
            Assert.That(result.RunsCompleted, Is.EqualTo(9));
            Assert.That(small.Decisions["batch_admission"].Changed, Is.GreaterThan(0));
            Assert.That(small.Disqualified, Is.False);
            Assert.That(faulting.Disqualified, Is.True);
            Assert.That(faulting.Problems[0], Does.Contain(RunStatus.PolicyFault));
            Assert.That(result.Ranking[0].Rank, Is.EqualTo(1));
            Assert.That(result.Ranking.Single(r => r.Entry == "test-faulting").Rank, Is.Null);
            Assert.That(result.Gates.Where(g => g.Status == GateStatus.Fail).Select(g => (g.Gate, g.Entry)), Does.Contain(("no-disqualified", "test-faulting")));
            Assert.That(result.AnyGateFailed, Is.True);
        });
    }

    [Test]
    public async Task RunAsync_SameTournamentTwice_SameJsonBytes()
    {
        var first = TournamentRenderer.ToJson(await RunAsync());
        var second = TournamentRenderer.ToJson(await RunAsync());
        Assert.That(second, Is.EqualTo(first));
    }
}
