using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Cli.Tests.Support;
using NetnsPolicy.Cli.Tournaments;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Cli.Tests.Tournaments;

/// <summary>The service executor must give a tournament exactly what the engine gives in-process, replication by replication.</summary>
public sealed class ServiceRunExecutorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task RunAsync_ReplicationsSubmittedTogether_EqualInProcessResults()
    {
        var workload = TinyWorkloads.Burst(10);
        RunSpec Spec(string policy, IReadOnlyDictionary<string, string> parameters, int replication) =>
            new("burst", policy, "burst-10", workload, "v4.9", policy, parameters, Seed: 7, replication);
        var none = new Dictionary<string, string>();
        var specs = new[]
        {
            Spec("upstream", none, 0), Spec("upstream", none, 1), Spec("upstream", none, 2),
            Spec("batching", new Dictionary<string, string> { ["batch_size"] = "3" }, 1),
            Spec("batching", new Dictionary<string, string> { ["batch_size"] = "3" }, 0),
        };
        using var cts = new CancellationTokenSource(Timeout);
        await using var service = await ServiceConnection.OpenAsync(new ConnectionSettings(null, null), cts.Token).WaitAsync(Timeout).ConfigureAwait(false);
        var remote = new ServiceRunExecutor(service.Runs, "test");
        using var catalog = new PluginCatalog(new PluginCatalogOptions { Watch = false });
        var local = new InProcessRunExecutor(catalog);

        // All at once, as the runner does: the executor orders each cell's replications itself.
        var viaService = await Task.WhenAll(specs.Select(s => remote.RunAsync(s, cts.Token))).WaitAsync(Timeout).ConfigureAwait(false);
        var inProcess = await Task.WhenAll(specs.Select(s => local.RunAsync(s, cts.Token))).WaitAsync(Timeout).ConfigureAwait(false);

        Assert.That(viaService.Select(r => r.Replication), Is.EqualTo(specs.Select(s => s.Replication)));
        Assert.That(viaService.Select(RunResultJson.Serialize), Is.EqualTo(inProcess.Select(RunResultJson.Serialize)));
        Assert.That(viaService.Select(r => r.TeardownSeconds).Distinct().Count(), Is.GreaterThan(1), "replications and policies should differ somewhere, or the comparison proves nothing");
    }
}
