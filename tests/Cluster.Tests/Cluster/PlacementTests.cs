using Grpc.Net.Client;
using NetnsPolicy.Cli.Tests.Support;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.TestSupport;
using Npgsql;

namespace NetnsPolicy.Cluster.Tests.Cluster;

/// <summary>
/// Where simulations go when silos differ (one test, to keep the suite short): silo-a has the shipped plugins, silo-b
/// an empty plugins folder (only the built-in <c>upstream</c>), and silo-c joins mid-tournament. The 480 simulations of
/// <c>cluster-300.json</c> at 80 replications (160 of <c>upstream</c>, 320 of the plugins <c>uevent-skip</c> and
/// <c>batching</c>) started on silo-a all run and the tournament passes: silo-b refuses the plugins' simulations and each
/// is placed again, once, on a silo that advertises the plugin's assembly hash (silo-b executes at most the 160 of
/// <c>upstream</c>); silo-c, started once 10 simulations are done (by progress, not by time), executes some of the rest.
/// (At 50 replications the cheaper per-simulation path of issue 16's fourth round finished the tournament, on a loaded
/// machine, before silo-c was up: 283 of 300 done when it listened.)
/// </summary>
[NonParallelizable]
public sealed class PlacementTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const int Simulations = 480;
    private const int UpstreamSimulations = 160;
    private static readonly string Cluster480 = ClusterLog.Cluster300.Replace("\"replications\": 50", "\"replications\": 80", StringComparison.Ordinal);

    [Test]
    public async Task Tournament_SiloWithoutPluginsAndOneJoiningMidway_RefusedPlacedAgainAndTheJoinerTakesWork()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var postgres = await PostgresInstance.StartAsync(cts.Token).WaitAsync(Timeout);
        var connection = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = true }.ConnectionString;
        using var folder = new TempFolder();
        var noPlugins = Directory.CreateDirectory(Path.Combine(folder.Path, "no-plugins")).FullName;
        await using var having = SiloProcess.Start("silo-a", connection, Directory.CreateDirectory(Path.Combine(folder.Path, "a")).FullName);
        await using var lacking = SiloProcess.Start("silo-b", connection, Directory.CreateDirectory(Path.Combine(folder.Path, "b")).FullName, "--plugins", noPlugins);
        var addresses = await Task.WhenAll(having.ListeningAsync, lacking.ListeningAsync).WaitAsync(Timeout);
        await WaitForCatalogsAsync(connection, 2, cts.Token).WaitAsync(Timeout);

        using var channel = GrpcChannel.ForAddress(addresses[0]);
        var client = new TournamentService.TournamentServiceClient(channel);
        var started = await client.StartTournamentAsync(new StartTournamentRequest { TournamentJson = Cluster480 }, cancellationToken: cts.Token).ResponseAsync.WaitAsync(Timeout);
        var (executed, _) = await ClusterLog.WaitForExecutedAsync(connection, 10, cts.Token).WaitAsync(Timeout);

        await using var joining = SiloProcess.Start("silo-c", connection, Directory.CreateDirectory(Path.Combine(folder.Path, "c")).FullName);
        await joining.ListeningAsync.WaitAsync(Timeout);
        var (atJoin, _) = await ClusterLog.WaitForExecutedAsync(connection, 0, cts.Token).WaitAsync(Timeout);

        using var watch = client.WatchTournament(new WatchTournamentRequest { TournamentId = started.Id }, cancellationToken: cts.Token);
        TournamentProgress? last = null;
        while (await watch.ResponseStream.MoveNext(cts.Token).WaitAsync(Timeout))
        {
            last = watch.ResponseStream.Current;
        }

        var perSilo = await ClusterLog.ExecutedPerSiloAsync(connection, cts.Token).WaitAsync(Timeout);
        var replaced = having.Output.Count(l => l.Contains("refused it (it lacks the policy's bytes)", StringComparison.Ordinal));
        TestContext.Out.WriteLine($"executed when silo-c started: {executed}; when it listened: {atJoin}; at the end: {string.Join(", ", perSilo)}; placed again after a refusal: {replaced}");
        Assert.That(last?.State, Is.EqualTo(TournamentState.Passed), last?.ToString());
        Assert.That(last!.SimulationsDone, Is.EqualTo(Simulations));
        Assert.That(perSilo.Values.Sum(), Is.EqualTo(Simulations), "every simulation executed once: " + string.Join(", ", perSilo));
        Assert.That(perSilo.GetValueOrDefault("silo-b"), Is.LessThanOrEqualTo(UpstreamSimulations), "silo-b ran none of the plugins' simulations");
        Assert.That(replaced, Is.InRange(1, Simulations - UpstreamSimulations), "silo-b refused plugin simulations, each placed again once");
        Assert.That(atJoin, Is.LessThan(Simulations), "silo-c joined mid-way");
        Assert.That(perSilo.GetValueOrDefault("silo-c"), Is.GreaterThan(0), "the joining silo executed simulations");
    }

    /// <summary>Waits until the silos are active and silo-a has advertised its catalog (silo-b, without plugins, may advertise nothing).</summary>
    private static async Task WaitForCatalogsAsync(string connection, int silos, CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(connection);
        while (true)
        {
            await using (var command = source.CreateCommand(
                "SELECT (SELECT count(*) FROM netns_membership WHERE status = 3) >= @silos AND EXISTS (SELECT 1 FROM netns_cluster_catalogs)"))
            {
                command.Parameters.AddWithValue("silos", silos);
                if (await command.ExecuteScalarAsync(cancellationToken) is true)
                {
                    return;
                }
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
