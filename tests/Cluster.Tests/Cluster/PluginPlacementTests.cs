using Grpc.Net.Client;
using NetnsPolicy.Cli.Tests.Support;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.TestSupport;
using Npgsql;

namespace NetnsPolicy.Cluster.Tests.Cluster;

/// <summary>
/// A silo that lacks a plugin refuses its simulations, and they are placed again on a silo that advertises the plugin's
/// assembly hash: two silos, the second with an empty plugins folder (so without the shipped <c>batching</c>); a run of
/// <c>batching</c> accepted by the first succeeds, every simulation executed by the first, and the first logs the
/// re-placements of the simulations Orleans had first placed on the second.
/// </summary>
[NonParallelizable]
public sealed class PluginPlacementTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private const string Workload = """
        {
          "format_version": 1,
          "name": "burst-20",
          "machine": { "cpus": 1, "possible_cpus": 4, "hz": 1000, "debug_kernel": false, "kernel_profile": "v4.9", "uevent_listeners": { "host": true } },
          "burst": { "count": 20, "destroy_after_ms": 10 },
          "stop": { "mode": "drain" },
          "seed": 1,
          "replications": 1
        }
        """;

    [Test]
    public async Task SubmitRun_SiloWithoutThePlugin_RefusesAndSimulationsRunOnTheSiloThatHasIt()
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
        var runs = new RunService.RunServiceClient(channel);
        var run = await runs.SubmitRunAsync(new SubmitRunRequest
        {
            Workload = new WorkloadSource { Json = Workload },
            Policy = "batching",
            Seeds = new SeedPlan { Replications = 24 },
        }, cancellationToken: cts.Token).ResponseAsync.WaitAsync(Timeout);
        using var watch = runs.WatchRun(new WatchRunRequest { RunId = run.Id }, cancellationToken: cts.Token);
        RunProgress? last = null;
        while (await watch.ResponseStream.MoveNext(cts.Token).WaitAsync(Timeout))
        {
            last = watch.ResponseStream.Current;
        }

        var perSilo = await ClusterLog.ExecutedPerSiloAsync(connection, cts.Token).WaitAsync(Timeout);
        var replaced = having.Output.Count(l => l.Contains("refused it (it lacks the policy's bytes)", StringComparison.Ordinal));
        TestContext.Out.WriteLine($"executed: {string.Join(", ", perSilo)}; placed again after a refusal: {replaced}");
        Assert.That(last?.FinalRun?.State, Is.EqualTo(RunState.Succeeded), last?.FinalRun?.StatusDetail);
        Assert.That(perSilo, Is.EqualTo(new Dictionary<string, int> { ["silo-a"] = 24 }), "only the silo with the plugin executed");
        Assert.That(replaced, Is.InRange(1, 24), "silo-b refused some, each placed again once, on silo-a");
    }

    /// <summary>Waits until both silos are active and the first has advertised its catalog (the second, without plugins, may advertise nothing).</summary>
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
