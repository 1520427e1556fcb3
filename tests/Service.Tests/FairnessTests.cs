using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Service.Tests.Support;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Tests;

/// <summary>Fair queueing across clients: one client's long queue does not hold another's single simulation behind it.</summary>
[TestFixture]
public sealed class FairnessTests
{
    /// <summary>Each simulation waits for one release; completions are recorded by seed, in order.</summary>
    private sealed class OrderedGate : ISimulationExecutor, IDisposable
    {
        private readonly SemaphoreSlim _release = new(0);
        private readonly SemaphoreSlim _done = new(0);

        public ConcurrentQueue<ulong> Completed { get; } = new();

        public void Release() => _release.Release();

        public Task WaitDoneAsync() => _done.WaitAsync(TestService.CallTimeout);

        public SimulationOutput Execute(SimulationInput input, IProgress<SimulationProgress> progress, CancellationToken cancellationToken)
        {
            _release.Wait(cancellationToken);
            Completed.Enqueue(input.Seed);
            _done.Release();
            return new SimulationOutput("ok", "{}");
        }

        public void Dispose()
        {
            _release.Dispose();
            _done.Dispose();
        }
    }

    [Test]
    public async Task SubmitComparison_ClientBAfterClientAs200_BFinishesBeforeAs20th()
    {
        using var db = new TempDatabase();
        using var gate = new OrderedGate();
        var options = TestService.OptionsFor(db.Path);
        options.MaxSimulationsPerRun = 1000;
        Action<WebApplicationBuilder> configure = b => b.Services.AddSingleton<ISimulationExecutor>(gate);
        await using var service = await TestService.StartAsync(options, configure);

        // Client A: 100 seeds × 2 contenders = 200 simulations (seeds 1–100), on its own connection.
        var a = Requests.Comparison(Workloads.Burst(10), [.. Enumerable.Range(1, 100).Select(i => (ulong)i)]);
        await service.Runs.SubmitComparisonAsync(a, deadline: TestService.Deadline());

        // Client B: one simulation (seed 777) on another connection.
        using var channelB = GrpcChannel.ForAddress(service.Running.GrpcAddress);
        var b = new RunService.RunServiceClient(channelB);
        var bRun = await b.SubmitRunAsync(new SubmitRunRequest { Workload = new WorkloadSource { Json = Workloads.Burst(10) }, Policy = "upstream", Seeds = new SeedPlan { Seeds = { 777 } } }, deadline: TestService.Deadline());

        // One simulation at a time finishes, until B's has (or A has had 20).
        for (var i = 0; i < 40 && !gate.Completed.Contains(777UL) && gate.Completed.Count(s => s != 777) < 20; i++)
        {
            gate.Release();
            await gate.WaitDoneAsync();
        }

        var order = gate.Completed.ToList();
        Assert.That(order, Does.Contain(777UL), "B's simulation finished within the first 40");
        Assert.That(order.IndexOf(777UL), Is.LessThan(19), $"A's simulations finished before B's: {order.IndexOf(777UL)}");
        Assert.That(bRun.SimulationsTotal, Is.EqualTo(1));
    }
}
