using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>Queue bounds, concurrency and restart behaviour, with a gated stand-in engine holding runs still.</summary>
[TestFixture]
public sealed class SchedulingTests
{
    private static Action<WebApplicationBuilder> With(GatedExecutor executor) =>
        b => b.Services.AddSingleton<ISimulationExecutor>(executor);

    [Test]
    public async Task SubmitRun_QueueFull_ResourceExhaustedAndNothingStored()
    {
        using var db = new TempDatabase();
        using var gate = new GatedExecutor();
        var options = TestService.OptionsFor(db.Path);
        options.MaxQueuedRuns = 2;
        await using var service = await TestService.StartAsync(options, With(gate));

        var a = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline());
        var b = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), deadline: TestService.Deadline());
        var refused = await RpcAssert.FailsWith(StatusCode.ResourceExhausted,
            () => service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 3), deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(refused), Is.EqualTo(new[] { "queue" }));
        var listed = await service.Runs.ListRunsAsync(new ListRunsRequest(), deadline: TestService.Deadline());
        Assert.That(listed.Runs.Select(r => r.Id), Is.EquivalentTo(new[] { a.Id, b.Id }), "the refused run left no row");

        // Once a run ends, its room is free again.
        await service.Runs.CancelRunAsync(new CancelRunRequest { RunId = a.Id }, deadline: TestService.Deadline());
        var cancelled = await service.CompleteAsync(a);
        Assert.That(cancelled.State, Is.EqualTo(RunState.Cancelled));
        Assert.That(async () => await WaitForRoomAsync(service), Throws.Nothing);
    }

    [Test]
    public async Task Workers_ManySimulations_NeverMoreThanConfiguredAtOnce()
    {
        using var db = new TempDatabase();
        using var gate = new GatedExecutor();
        var options = TestService.OptionsFor(db.Path);
        options.MaxConcurrentSimulations = 2;
        await using var service = await TestService.StartAsync(options, With(gate));

        var run = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1, 2, 3), deadline: TestService.Deadline());
        await gate.WaitStartedAsync(2);
        var running = await service.Runs.GetRunAsync(new GetRunRequest { RunId = run.Id }, deadline: TestService.Deadline());
        Assert.That(running.State, Is.EqualTo(RunState.Running));
        Assert.That(running.StartedAt, Is.Not.Null);

        gate.Release(6);
        var final = await service.CompleteAsync(run);

        Assert.That(gate.Executed, Is.EqualTo(6));
        Assert.That(gate.MaxRunning, Is.EqualTo(2));
        Assert.That(final.SimulationsDone, Is.EqualTo(6));
    }

    [Test]
    public async Task CancelRun_Queued_EndsAtOnceWhileWorkersAreBusy()
    {
        using var db = new TempDatabase();
        using var gate = new GatedExecutor();
        var options = TestService.OptionsFor(db.Path);
        options.MaxConcurrentSimulations = 1;
        await using var service = await TestService.StartAsync(options, With(gate));

        var busy = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline());
        await gate.WaitStartedAsync(1);
        var queued = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), deadline: TestService.Deadline());
        Assert.That(queued.State, Is.EqualTo(RunState.Queued));

        var answer = await service.Runs.CancelRunAsync(new CancelRunRequest { RunId = queued.Id }, deadline: TestService.Deadline());

        Assert.That(answer.State, Is.EqualTo(RunState.Cancelled));
        Assert.That(gate.Executed, Is.Zero);
        var other = await service.Runs.GetRunAsync(new GetRunRequest { RunId = busy.Id }, deadline: TestService.Deadline());
        Assert.That(other.State, Is.EqualTo(RunState.Running), "cancelling one run leaves the others alone");
        gate.Release(100);
    }

    [Test]
    public async Task Restart_RunLeftRunning_ResumedAndCompletedByTheEngine()
    {
        using var db = new TempDatabase();
        using var gate = new GatedExecutor();
        Run run;
        await using (var first = await TestService.StartAsync(TestService.OptionsFor(db.Path), With(gate)))
        {
            run = await first.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline());
            await gate.WaitStartedAsync(2);
        }

        // The second process has the real engine: it resumes the stored run and completes it.
        await using var second = await TestService.StartAsync(TestService.OptionsFor(db.Path));
        var final = await second.CompleteAsync(run);

        Assert.That(final.State, Is.EqualTo(RunState.Succeeded), final.StatusDetail);
        Assert.That(final.SimulationsDone, Is.EqualTo(2));
        Assert.That(gate.Executed, Is.Zero, "the first process stored no result");
    }

    [Test]
    public async Task Restart_ResumeDisabled_RunMarkedInterrupted()
    {
        using var db = new TempDatabase();
        using var gate = new GatedExecutor();
        Run run;
        await using (var first = await TestService.StartAsync(TestService.OptionsFor(db.Path), With(gate)))
        {
            run = await first.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline());
            await gate.WaitStartedAsync(2);
        }

        var options = TestService.OptionsFor(db.Path);
        options.ResumeInterruptedRuns = false;
        await using var second = await TestService.StartAsync(options, With(gate));
        var stored = await second.Runs.GetRunAsync(new GetRunRequest { RunId = run.Id }, deadline: TestService.Deadline());

        Assert.That(stored.State, Is.EqualTo(RunState.Interrupted));
        Assert.That(stored.StatusDetail, Does.Contain("stopped while the run was running"));
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition,
            () => second.Runs.GetReportAsync(new GetReportRequest { RunId = run.Id }, deadline: TestService.Deadline()).ResponseAsync);
    }

    private static async Task WaitForRoomAsync(TestService service)
    {
        var scheduler = service.Running.Services.GetRequiredService<IRunScheduler>();
        var until = DateTime.UtcNow + TestService.CallTimeout;
        while (scheduler.ActiveRuns >= service.Options.MaxQueuedRuns)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(until), "the cancelled run never freed its room");
            await Task.Delay(20).WaitAsync(TestService.CallTimeout);
        }

        using var reservation = scheduler.TryReserve();
        Assert.That(reservation, Is.Not.Null);
    }
}
