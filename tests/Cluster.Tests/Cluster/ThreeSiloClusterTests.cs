using Grpc.Net.Client;
using NetnsPolicy.Cli.Tests.Support;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.TestSupport;
using Npgsql;

namespace NetnsPolicy.Cluster.Tests.Cluster;

/// <summary>
/// Issue 15's first "Must show": three <c>serve --cluster</c> processes on loopback with a private PostgreSQL run a
/// 300-simulation tournament started on one of them (silo-a); each silo executes at least a fifth of the simulations
/// (counted from the cluster's execution log); a client of another silo (silo-b) watches it through the tournament's
/// grain from the start; the ACCEPTING silo is killed with SIGKILL once it has done its fifth, mid-way; a survivor
/// takes the tournament over from the store, it completes, the watcher on silo-b sees it finish, and the four files it
/// gets from silo-b are byte-identical to a single-node run of the same file (the embedded service and its local
/// scheduler). Then a run accepted by silo-b is cancelled through silo-c.
/// </summary>
[NonParallelizable]
public sealed class ThreeSiloClusterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const int Simulations = 300;

    private static readonly string Tournament = ClusterLog.Cluster300;

    [Test]
    public async Task Tournament_ThreeSilosAcceptingOneKilledMidway_SurvivorFinishesItAndResultsMatchASingleNode()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var phases = new List<string>();
        void Phase(string name) => phases.Add($"{name} {clock.Elapsed.TotalSeconds:F1} s");
        await using var postgres = await PostgresInstance.StartAsync(cts.Token).WaitAsync(Timeout);
        var connection = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = true }.ConnectionString;
        using var folder = new TempFolder();
        var file = folder.File("cluster-300.json", Tournament);

        // Started at once: the three apply the schema concurrently (one does, under the advisory lock).
        await using var accepting = SiloProcess.Start("silo-a", connection, Directory.CreateDirectory(Path.Combine(folder.Path, "a")).FullName);
        await using var watching = SiloProcess.Start("silo-b", connection, Directory.CreateDirectory(Path.Combine(folder.Path, "b")).FullName);
        await using var third = SiloProcess.Start("silo-c", connection, Directory.CreateDirectory(Path.Combine(folder.Path, "c")).FullName);
        var addresses = await Task.WhenAll(accepting.ListeningAsync, watching.ListeningAsync, third.ListeningAsync).WaitAsync(Timeout);
        await WaitForActiveSilosAsync(connection, 3, cts.Token).WaitAsync(Timeout);
        Phase("silos active");

        using var channelA = GrpcChannel.ForAddress(addresses[0]);
        using var channelB = GrpcChannel.ForAddress(addresses[1]);
        using var channelC = GrpcChannel.ForAddress(addresses[2]);
        var started = await new TournamentService.TournamentServiceClient(channelA)
            .StartTournamentAsync(new StartTournamentRequest { TournamentJson = Tournament }, cancellationToken: cts.Token).ResponseAsync.WaitAsync(Timeout);

        // Watched from silo-b, which does not hold it, from the start: live progress through the tournament's grain.
        var tournamentsB = new TournamentService.TournamentServiceClient(channelB);
        var watched = new List<TournamentProgress>();
        var watch = WatchAsync(tournamentsB, started.Id, watched, cts.Token);

        // The accepting silo killed by progress, not by time: once it has executed a fifth of the simulations.
        var atKill = await KillOnceAsync(accepting, connection, Simulations / 5 + 1, watch, cts.Token).WaitAsync(Timeout);
        Phase("silo-a killed");
        await watch.WaitAsync(Timeout);
        Phase("watch ended");
        var perSilo = await ClusterLog.ExecutedPerSiloAsync(connection, cts.Token).WaitAsync(Timeout);
        TestContext.Out.WriteLine($"at the kill: {(atKill is null ? "-" : string.Join(", ", atKill))}; at the end: {string.Join(", ", perSilo)}; "
            + $"progress messages on silo-b: {watched.Count}; {string.Join(", ", phases)}");

        Assert.That(atKill, Is.Not.Null, "silo-a never reached a fifth of the simulations before the tournament ended");
        Assert.That(atKill!.Values.Sum(), Is.LessThan(Simulations), "the kill came mid-way");
        var last = watched[^1];
        Assert.That(last.State, Is.EqualTo(TournamentState.Passed), last.ToString);
        Assert.That(last.SimulationsDone, Is.EqualTo(Simulations));
        Assert.That(watched.Count(p => p.SimulationsDone is > 0 and < Simulations), Is.GreaterThan(1), "silo-b's watcher saw live progress");
        Assert.That(perSilo.Keys, Is.EquivalentTo(new[] { "silo-a", "silo-b", "silo-c" }));
        Assert.That(perSilo.Values, Has.All.GreaterThanOrEqualTo(Simulations / 5), "each silo executes at least 20 %: " + string.Join(", ", perSilo));
        Assert.That(await DistinctExecutedAsync(connection, cts.Token).WaitAsync(Timeout), Is.EqualTo(Simulations));

        // A client of silo-c lists the tournament; one of silo-b reads its ranking and artifacts.
        var listed = await new TournamentService.TournamentServiceClient(channelC).ListTournamentsAsync(new ListTournamentsRequest(), cancellationToken: cts.Token).ResponseAsync.WaitAsync(Timeout);
        Assert.That(listed.Tournaments.Select(t => t.Id), Is.EqualTo(new[] { started.Id }));
        var final = await tournamentsB.GetTournamentAsync(new GetTournamentRequest { TournamentId = started.Id }, cancellationToken: cts.Token).ResponseAsync.WaitAsync(Timeout);
        Assert.That(final.State, Is.EqualTo(TournamentState.Passed));
        Assert.That(final.Ranking.Select(r => r.Contender), Is.EquivalentTo(last.FinalTournament.Ranking.Select(r => r.Contender)));

        // Then a run accepted by silo-b, cancelled through silo-c (which does not hold it).
        var run = await new RunService.RunServiceClient(channelB).SubmitRunAsync(new SubmitRunRequest
        {
            Workload = new WorkloadSource { Builtin = "seed-1000-maxcpus1" },
            Policy = "upstream",
            Seeds = new SeedPlan { Replications = 40 },
        }, cancellationToken: cts.Token).ResponseAsync.WaitAsync(Timeout);
        var runsC = new RunService.RunServiceClient(channelC);
        await runsC.CancelRunAsync(new CancelRunRequest { RunId = run.Id }, cancellationToken: cts.Token).ResponseAsync.WaitAsync(Timeout);
        var cancelled = await WatchRunAsync(runsC, run.Id, cts.Token).WaitAsync(Timeout);
        Assert.That(cancelled.FinalRun.State, Is.EqualTo(RunState.Cancelled), cancelled.FinalRun.StatusDetail);
        Phase("run cancelled");

        var singleOut = Path.Combine(folder.Path, "single");
        var single = await CliHarness.RunAsync(TextWriter.Null, cts.Token, "tournament", file, "--out", singleOut).WaitAsync(Timeout);
        TestContext.Out.WriteLine($"{string.Join(", ", phases)}; single-node run done at {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(single.ExitCode, Is.Zero, single.ToString);
        foreach (var (artifact, text) in new[] { ("tournament.json", final.Json), ("junit.xml", final.JunitXml), ("summary.md", final.Markdown), ("report.html", final.Html) })
        {
            Assert.That(System.Text.Encoding.UTF8.GetBytes(text), Is.EqualTo(File.ReadAllBytes(Path.Combine(singleOut, artifact))), artifact);
        }
    }

    /// <summary>The last message of a run's watch (the final one).</summary>
    private static async Task<RunProgress> WatchRunAsync(RunService.RunServiceClient client, string id, CancellationToken cancellationToken)
    {
        using var call = client.WatchRun(new WatchRunRequest { RunId = id }, cancellationToken: cancellationToken);
        RunProgress? last = null;
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            last = call.ResponseStream.Current;
        }

        return last ?? throw new InvalidOperationException("the watch ended without a message");
    }

    /// <summary>Every progress message of a watch into <paramref name="into"/>, until the stream ends.</summary>
    private static async Task WatchAsync(TournamentService.TournamentServiceClient client, string id, List<TournamentProgress> into, CancellationToken cancellationToken)
    {
        using var call = client.WatchTournament(new WatchTournamentRequest { TournamentId = id }, cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            into.Add(call.ResponseStream.Current);
        }
    }

    private static async Task WaitForActiveSilosAsync(string connection, int count, CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(connection);
        while (true)
        {
            await using (var command = source.CreateCommand("SELECT count(*) FROM netns_membership WHERE status = 3"))
            {
                if (Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) >= count)
                {
                    return;
                }
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Kills <paramref name="victim"/> once it has executed <paramref name="threshold"/> simulations; the counts then, or null if the tournament ended first.</summary>
    private static async Task<Dictionary<string, int>?> KillOnceAsync(SiloProcess victim, string connection, int threshold, Task tournament, CancellationToken cancellationToken)
    {
        while (!tournament.IsCompleted)
        {
            var counts = await ClusterLog.ExecutedPerSiloAsync(connection, cancellationToken);
            if (counts.GetValueOrDefault(victim.Name) >= threshold)
            {
                victim.KillHard();
                return counts;
            }

            await Task.Delay(50, cancellationToken);
        }

        return null;
    }

    private static async Task<int> DistinctExecutedAsync(string connection, CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(connection);
        await using var command = source.CreateCommand("SELECT count(DISTINCT content_hash) FROM netns_cluster_executions");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
