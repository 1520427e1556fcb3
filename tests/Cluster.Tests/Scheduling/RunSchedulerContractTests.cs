using Microsoft.Extensions.Hosting;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Cluster.Tests.Scheduling;

/// <summary>
/// The one contract every <see cref="IRunScheduler"/> keeps (issue 15): admission limits, admission order within a
/// client, clients in turns, cancellation and deadlines, faults, and a stop that leaves unfinished runs for the next
/// start. Run against the local scheduler and the cluster's (a real silo on PostgreSQL). One simulation slot, so the
/// order simulations start in is the queue's order; every wait is for an outcome, never for a time.
/// </summary>
[TestFixture(typeof(LocalEngine))]
[TestFixture(typeof(OrleansEngine))]
[NonParallelizable]
public sealed class RunSchedulerContractTests<TEngine>
    where TEngine : SchedulerEngine, new()
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private TEngine _engine = null!;
    private readonly List<BackgroundService> _schedulers = [];

    [OneTimeSetUp]
    public async Task StartEngine()
    {
        _engine = new TEngine();
        await _engine.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120));
    }

    [OneTimeTearDown]
    public async Task StopEngine()
    {
        // Bounded inside: the silo's stop is given 30 s, PostgreSQL's stop its own timeouts.
        await _engine.DisposeAsync();
    }

    [SetUp]
    public void ResetExecutor() => _engine.Executor.Reset();

    [TearDown]
    public async Task StopSchedulers()
    {
        _engine.Executor.Open();
        foreach (var scheduler in _schedulers)
        {
            await scheduler.StopAsync(CancellationToken.None).WaitAsync(Timeout);
            scheduler.Dispose();
        }

        _schedulers.Clear();
    }

    private async Task<IRunScheduler> StartSchedulerAsync(int capacity = 8)
    {
        var scheduler = _engine.Create(capacity);
        _schedulers.Add(scheduler);
        await scheduler.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        return (IRunScheduler)scheduler;
    }

    private static RecordingObserver Start(IRunScheduler scheduler, string client, CancellationToken cancellation, params SimulationInput[] inputs)
    {
        var observer = new RecordingObserver();
        using var reservation = scheduler.TryReserve() ?? throw new AssertionException("the scheduler refused the run");
        reservation.Start(new ScheduledRun($"run of {client}", [.. inputs.Select((input, i) => KeyValuePair.Create(i, input))], observer, cancellation) { Client = client });
        return observer;
    }

    [Test]
    public async Task TryReserve_AtCapacity_RefusesUntilARunDrainsOrAReservationIsReturned()
    {
        var scheduler = await StartSchedulerAsync(capacity: 2);
        var first = Start(scheduler, "a", CancellationToken.None, GateExecutor.Input(1));
        var held = scheduler.TryReserve();

        Assert.That(held, Is.Not.Null);
        Assert.That(scheduler.TryReserve(), Is.Null, "a third run while two are admitted");
        Assert.That(scheduler.ActiveRuns, Is.EqualTo(2));

        held!.Dispose();
        var again = scheduler.TryReserve();
        Assert.That(again, Is.Not.Null, "a returned reservation frees its room");
        again!.Dispose();

        _engine.Executor.Open();
        await first.Drained.WaitAsync(Timeout);
        using var after = scheduler.TryReserve();
        Assert.That(after, Is.Not.Null, "a drained run frees its room");
    }

    [Test]
    public async Task Start_OneClient_StartsSimulationsInAdmissionOrder()
    {
        var scheduler = await StartSchedulerAsync();
        var blocker = Start(scheduler, "a", CancellationToken.None, GateExecutor.Input(100));
        await _engine.Executor.EnteredAsync(100).WaitAsync(Timeout);
        var first = Start(scheduler, "a", CancellationToken.None, GateExecutor.Input(1), GateExecutor.Input(2), GateExecutor.Input(3));
        var second = Start(scheduler, "a", CancellationToken.None, GateExecutor.Input(4), GateExecutor.Input(5));

        _engine.Executor.Open();
        await Task.WhenAll(blocker.Drained, first.Drained, second.Drained).WaitAsync(Timeout);

        Assert.That(_engine.Executor.Started, Is.EqualTo(new ulong[] { 100, 1, 2, 3, 4, 5 }));
        Assert.That(first.Events[^1], Is.EqualTo("drained"));
        Assert.That(first.Outputs.Keys.Order(), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(first.Outputs[2].ResultJson, Is.EqualTo("""{"seed":3}"""));
    }

    [Test]
    public async Task Start_TwoClients_ServesThemInTurns()
    {
        var scheduler = await StartSchedulerAsync();
        var a = Start(scheduler, "a", CancellationToken.None, GateExecutor.Input(1), GateExecutor.Input(2), GateExecutor.Input(3), GateExecutor.Input(4));
        await _engine.Executor.EnteredAsync(1).WaitAsync(Timeout);
        var b = Start(scheduler, "b", CancellationToken.None, GateExecutor.Input(11), GateExecutor.Input(12));

        _engine.Executor.Open();
        await Task.WhenAll(a.Drained, b.Drained).WaitAsync(Timeout);

        // a's first holds the slot while b arrives; then a and b alternate until b has nothing left.
        Assert.That(_engine.Executor.Started, Is.EqualTo(new ulong[] { 1, 2, 11, 3, 12, 4 }));
    }

    [Test]
    public async Task Cancel_QueuedRun_SkipsItsSimulationsAndDrains()
    {
        var scheduler = await StartSchedulerAsync();
        var blocker = Start(scheduler, "a", CancellationToken.None, GateExecutor.Input(100));
        await _engine.Executor.EnteredAsync(100).WaitAsync(Timeout);
        using var cancel = new CancellationTokenSource();
        var cancelled = Start(scheduler, "b", cancel.Token, GateExecutor.Input(1), GateExecutor.Input(2));

        await cancel.CancelAsync();
        _engine.Executor.Open();
        await Task.WhenAll(blocker.Drained, cancelled.Drained).WaitAsync(Timeout);

        Assert.That(_engine.Executor.Started, Is.EqualTo(new ulong[] { 100 }));
        Assert.That(cancelled.Events, Is.EqualTo(new[] { "drained" }));
        Assert.That(scheduler.ActiveRuns, Is.Zero);
    }

    [Test]
    public async Task Deadline_RunningSimulation_IsCancelledInsideTheExecutorAndTheRunDrains()
    {
        var scheduler = await StartSchedulerAsync();
        using var deadline = new CancellationTokenSource();
        var run = Start(scheduler, "a", deadline.Token, GateExecutor.Input(1), GateExecutor.Input(2));
        await _engine.Executor.EnteredAsync(1).WaitAsync(Timeout);

        // The run's timeout fires while its first simulation runs (the gate stays closed: only the token can end it).
        deadline.Cancel();
        await run.Drained.WaitAsync(Timeout);

        Assert.That(run.Faults[0], Is.InstanceOf<OperationCanceledException>());
        Assert.That(run.Events, Is.EqualTo(new[] { "started 0", "faulted 0", "drained" }));
        Assert.That(_engine.Executor.Started, Is.EqualTo(new ulong[] { 1 }));
    }

    [Test]
    public async Task Fault_ExecutorThrows_TheSimulationFaultsWithItsMessageAndTheOthersRun()
    {
        var scheduler = await StartSchedulerAsync();
        var run = Start(scheduler, "a", CancellationToken.None, GateExecutor.Input(1, "fail"), GateExecutor.Input(2, "ok"));

        await run.Drained.WaitAsync(Timeout);

        Assert.That(run.Faults.Keys, Is.EqualTo(new[] { 0 }));
        Assert.That(run.Faults[0].Message, Does.Contain("simulation 1 failed on purpose"));
        Assert.That(run.Outputs[1].Status, Is.EqualTo("ok"));
    }

    [Test]
    public async Task Progress_ReportedWhileRunning_ReachesTheObserverBeforeTheSimulationEnds()
    {
        var scheduler = await StartSchedulerAsync();
        var run = Start(scheduler, "a", CancellationToken.None, GateExecutor.Input(1, "progress"));

        var progress = await run.FirstProgress.WaitAsync(Timeout);
        Assert.That(run.Events, Does.Not.Contain("completed 0"), "the simulation still waits at the gate");
        _engine.Executor.Open();
        await run.Drained.WaitAsync(Timeout);

        Assert.That(progress, Is.EqualTo(new SimulationProgress("running workload", 1_000, 0.5, 42)));
    }

    [Test]
    public async Task Fault_ExecutorRefusesThePluginVersion_FaultsOnceWithoutRetry()
    {
        var scheduler = await StartSchedulerAsync();
        var run = Start(scheduler, "a", CancellationToken.None, GateExecutor.Input(7, "refuse"));

        await run.Drained.WaitAsync(Timeout);

        Assert.That(run.Faults[0].Message, Does.Contain("policy 'refuse' changed since the run was accepted"));
        Assert.That(_engine.Executor.Started, Is.EqualTo(new ulong[] { 7 }), "a refusal is not a failed silo: not sent again");
    }

    [Test]
    public async Task Stop_WhileARunExecutes_LeavesItUndrainedAndTheNextSchedulerRunsTheRest()
    {
        var scheduler = (BackgroundService)await StartSchedulerAsync();
        var run = Start((IRunScheduler)scheduler, "a", CancellationToken.None, GateExecutor.Input(1), GateExecutor.Input(2));
        await _engine.Executor.EnteredAsync(1).WaitAsync(Timeout);

        await scheduler.StopAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.That(run.Events, Does.Not.Contain("drained"), "a stopping scheduler leaves the run for the next start");
        Assert.That(_engine.Executor.Started, Is.EqualTo(new ulong[] { 1 }));

        // The next start resumes what was not done (RunResumer hands the remaining simulations to the new scheduler).
        _engine.Executor.Open();
        var next = await StartSchedulerAsync();
        var resumed = Start(next, "a", CancellationToken.None, GateExecutor.Input(1), GateExecutor.Input(2));
        await resumed.Drained.WaitAsync(Timeout);

        Assert.That(resumed.Outputs.Keys.Order(), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(_engine.Executor.Started, Is.EqualTo(new ulong[] { 1, 1, 2 }));
    }
}
