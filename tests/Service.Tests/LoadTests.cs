using System.Collections.Concurrent;
using Grpc.Net.Client;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Service.Tests.Support;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Service.Tests;

/// <summary>A bounded load on loopback: many small comparisons from concurrent clients, checked against the engine run one by one.</summary>
[TestFixture]
[NonParallelizable]
public sealed class LoadTests
{
    private const int Clients = 20;
    private const int Comparisons = 200;

    [Test]
    public async Task SubmitComparison_200From20Clients_AllSucceedWithSequentialResults()
    {
        using var db = new TempDatabase();
        var options = TestService.OptionsFor(db.Path);
        options.MaxQueuedRuns = Clients;
        await using var service = await TestService.StartAsync(options);

        // Each comparison has its own seed, so none is served from another's results.
        var outcomes = new ConcurrentDictionary<ulong, Run>();
        var clients = Enumerable.Range(0, Clients).Select(async client =>
        {
            using var channel = GrpcChannel.ForAddress(service.Running.GrpcAddress);
            var runs = new RunService.RunServiceClient(channel);
            for (var i = client; i < Comparisons; i += Clients)
            {
                var seed = (ulong)(1000 + i);
                var run = await runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10 + (i % 5)), seed), deadline: TestService.Deadline());
                await service.CompleteAsync(run);
                outcomes[seed] = await runs.GetRunAsync(new GetRunRequest { RunId = run.Id, IncludeResults = true }, deadline: TestService.Deadline());
            }
        });
        // Generous: CI runs the test projects side by side on 2 cores.
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromMinutes(5));

        Assert.That(outcomes, Has.Count.EqualTo(Comparisons));
        Assert.That(outcomes.Values.Select(r => r.State), Is.All.EqualTo(RunState.Succeeded));
        using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = Path.Combine(AppContext.BaseDirectory, "plugins"), Watch = false });
        var profile = KernelProfileLoader.TryLoadBuiltIn("v4.9")!;
        foreach (var (seed, run) in outcomes.OrderBy(o => o.Key))
        {
            var i = (int)(seed - 1000);
            var workload = WorkloadLoader.Parse(Workloads.Burst(10 + (i % 5), seed));
            foreach (var simulation in run.Simulations)
            {
                var contender = simulation.Policy == "contender";
                using var lease = catalog.Acquire(contender ? "batching" : "upstream",
                    contender ? new Dictionary<string, string> { ["batch_size"] = Requests.ContenderBatchSize } : null);
                var expected = RunResultJson.Serialize(SimulationEngine.Run(new SimulationRequest(workload, profile, lease.Policy, lease.Parameters, seed, simulation.Replication)));
                Assert.That(simulation.ResultJson, Is.EqualTo(expected), $"comparison with seed {seed}, {simulation.Policy}");
            }
        }
    }
}
