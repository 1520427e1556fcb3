using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Service.Tests.Support;
using Npgsql;

namespace NetnsPolicy.Service.Tests.Persistence;

/// <summary>
/// Several service processes on one PostgreSQL store (the silos of a cluster): a process that starts leaves the runs
/// another live process is running to that one, and resumes them once that one is gone.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgresSharedStoreTests : PostgresServerFixture
{
    [Test]
    public async Task StartAsync_AnotherProcessRunsARun_LeftToItThenResumedOnceItIsGone()
    {
        var options = TestService.OptionsFor(Path.Combine(Path.GetTempPath(), "netns-policy-unused-sqlite.db"));
        options.StoreConnectionString = Server.ConnectionString;
        using var gateA = new GatedExecutor();
        using var gateC = new GatedExecutor();
        var a = await TestService.StartAsync(options, b => b.Services.AddSingleton<ISimulationExecutor>(gateA));
        string runId;
        try
        {
            runId = (await a.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline())).Id;
            await gateA.WaitStartedAsync(2).WaitAsync(Timeout);

            // C starts while A runs the run: C's start-up resume leaves it alone, and C's watch follows A's run to its end.
            await using var c = await TestService.StartAsync(options, b => b.Services.AddSingleton<ISimulationExecutor>(gateC));
            using var watch = c.Runs.WatchRun(new WatchRunRequest { RunId = runId }, deadline: TestService.Deadline());
            Assert.That(await watch.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout), Is.True);
            gateA.Release(2);
            var last = watch.ResponseStream.Current;
            while (await watch.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout))
            {
                last = watch.ResponseStream.Current;
            }

            Assert.That(last.FinalRun?.State, Is.EqualTo(RunState.Succeeded), "A finished it");
            Assert.That(gateC.MaxRunning, Is.Zero, "C ran none of A's simulations");
        }
        finally
        {
            await a.DisposeAsync();
        }

        // A second run, held by A when A stops (its session ends, and its claim with it): the next process resumes it.
        using var gateD = new GatedExecutor();
        var d = await TestService.StartAsync(options, b => b.Services.AddSingleton<ISimulationExecutor>(gateD));
        string heldId;
        await using (d)
        {
            heldId = (await d.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), deadline: TestService.Deadline())).Id;
            await gateD.WaitStartedAsync(2).WaitAsync(Timeout);
        }

        gateD.Release(2);
        await using var e = await TestService.StartAsync(options);
        var resumed = await e.CompleteAsync(await e.Runs.GetRunAsync(new GetRunRequest { RunId = heldId }, deadline: TestService.Deadline()));
        Assert.That(resumed.State, Is.EqualTo(RunState.Succeeded), "resumed by the next process once its holder was gone");
    }
}
