using Grpc.Net.Client;
using NetnsPolicy.Cli.Tests.Support;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.TestSupport;
using Npgsql;

namespace NetnsPolicy.Cluster.Tests.Cluster;

/// <summary>
/// A silo that joins mid-tournament takes work: two <c>serve --cluster</c> processes start a 300-simulation tournament,
/// a third starts once the first simulations are done (by progress, not by time), and the execution log shows it
/// executed some of the rest — placement by activation count sends new simulations to the silo with fewer activations.
/// </summary>
[NonParallelizable]
public sealed class JoiningSiloTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string Tournament = ClusterLog.Cluster300;

    [Test]
    public async Task Tournament_ThirdSiloJoinsMidway_ExecutesSimulations()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var postgres = await PostgresInstance.StartAsync(cts.Token).WaitAsync(Timeout);
        var connection = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = true }.ConnectionString;
        using var folder = new TempFolder();
        await using var first = SiloProcess.Start("silo-a", connection, Directory.CreateDirectory(Path.Combine(folder.Path, "a")).FullName);
        await using var second = SiloProcess.Start("silo-b", connection, Directory.CreateDirectory(Path.Combine(folder.Path, "b")).FullName);
        var addresses = await Task.WhenAll(first.ListeningAsync, second.ListeningAsync).WaitAsync(Timeout);

        using var channel = GrpcChannel.ForAddress(addresses[0]);
        var client = new TournamentService.TournamentServiceClient(channel);
        var started = await client.StartTournamentAsync(new StartTournamentRequest { TournamentJson = Tournament }, cancellationToken: cts.Token).ResponseAsync.WaitAsync(Timeout);
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
        TestContext.Out.WriteLine($"executed when silo-c started: {executed}; when it listened: {atJoin}; at the end: {string.Join(", ", perSilo)}");
        Assert.That(last?.State, Is.EqualTo(TournamentState.Passed));
        Assert.That(atJoin, Is.LessThan(300), "silo-c joined mid-way");
        Assert.That(perSilo.GetValueOrDefault("silo-c"), Is.GreaterThan(0), "the joining silo executed simulations: " + string.Join(", ", perSilo));
    }
}
