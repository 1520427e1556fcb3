using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Tests.Engine;

[TestFixture]
public sealed class RcuTests
{
    private static readonly RcuSpec Spec = new()
    {
        NormalGpBaseJiffies = 2,
        NormalGpBusyExtraJiffies = 0,
        NormalGpPerCpuNs = 0,
        GpJitter = 0,
        ExpeditedBaseNs = 20_000,
        ExpeditedPerCpuNs = 0,
        ExpeditedIpiNs = 5_000,
    };

    [Test]
    public void Synchronize_CallerDuringGracePeriod_WaitsForTheNextOne()
    {
        var h = new EngineHarness(cpus: 2, Spec);
        var done = new Dictionary<string, long>();
        IEnumerable<Step> Caller(string name, long delay)
        {
            yield return Step.Sleep(delay);
            yield return Step.SyncRcu();
            done[name] = h.Now;
        }

        h.Spawn("a", Caller("a", 0));
        h.Spawn("b", Caller("b", 500_000));
        h.Spawn("c", Caller("c", 600_000));
        h.RunAll();
        Assert.That(done["a"], Is.EqualTo(2_000_000), "GP 1: 2 jiffies at HZ=1000");
        Assert.That(done["b"], Is.EqualTo(4_000_000), "arrived during GP 1: waits for GP 2");
        Assert.That(done["c"], Is.EqualTo(4_000_000), "shares GP 2 with b");
        Assert.That(h.Rcu.Completed, Is.EqualTo(2));
    }

    [Test]
    public void Synchronize_OneOnlineCpu_ReturnsAtOnce()
    {
        var h = new EngineHarness(cpus: 1, Spec);
        long done = -1;
        IEnumerable<Step> Caller()
        {
            yield return Step.SyncRcu();
            done = h.Now;
        }

        h.Spawn("a", Caller());
        h.RunAll();
        Assert.That(done, Is.EqualTo(0));
        Assert.That(h.Rcu.ShortcutCount, Is.EqualTo(1));
    }

    [Test]
    public void Expedited_InterruptsEveryOtherCpu_DelayingItsWork()
    {
        var (workDone, syncDone) = WorkerBesideExpeditedSync(Spec);
        Assert.That(syncDone, Is.EqualTo(100 + 20_000));
        Assert.That(workDone, Is.EqualTo(1_000_000 + 5_000), "the IPI handler ran on the worker's CPU");
    }

    /// <summary>
    /// rcu_exp_handler on a kernel without preemptible RCU (kernel/rcu/tree_exp.h): an IPI that finds the other CPU's
    /// thread non-preemptible defers its quiescent state to that thread's next context switch, the end of its step.
    /// </summary>
    [TestCase(0.0, 100 + 20_000)]
    [TestCase(1.0, 1_000_000 + 5_000)]
    public void Expedited_OtherCpuNonPreemptible_WaitsForTheEndOfItsStep(double deferProbability, long expected)
    {
        var (_, syncDone) = WorkerBesideExpeditedSync(Spec with { ExpeditedQsDeferProbability = deferProbability });
        Assert.That(syncDone, Is.EqualTo(expected), "deferred: the worker's 1 ms step, lengthened by the IPI's 5 µs");
    }

    /// <summary>A worker's step (1 ms unless said) on one CPU, and an expedited grace period requested 100 ns in from the other: when each ended.</summary>
    private static (long WorkDone, long SyncDone) WorkerBesideExpeditedSync(RcuSpec spec, long workNs = 1_000_000, Action<EngineHarness>? setup = null)
    {
        var h = new EngineHarness(cpus: 2, spec);
        setup?.Invoke(h);
        long workDone = 0, syncDone = 0;
        IEnumerable<Step> Worker()
        {
            yield return Step.Run(h.Work, workNs);
            workDone = h.Now;
        }

        IEnumerable<Step> Syncer()
        {
            yield return Step.Sleep(100);
            yield return Step.SyncRcuExpedited();
            syncDone = h.Now;
        }

        h.Spawn("worker", Worker());
        h.Spawn("syncer", Syncer());
        h.RunAll();
        return (workDone, syncDone);
    }

    /// <summary>
    /// With preemptible RCU and dynamic preemption none (this VM's 6.18, traced: docs/calibration.md, twelfth round), a
    /// deferred state of a thread whose stretches reach no point that reports it (the cleanup_net worker) is reported
    /// by the next tick, not at its step's end; any other thread reports within its step (no deferral).
    /// </summary>
    [TestCase(true, 1_000_000)]
    [TestCase(false, 100 + 20_000)]
    public void Expedited_DeferredUnderNoCondResched_ReportedByTheNextTick(bool ticksOnly, long expected)
    {
        var spec = Spec with { ExpeditedQsDeferProbability = 1, ExpeditedQsTickOnCleanupWorker = true };
        var (_, syncDone) = WorkerBesideExpeditedSync(spec, 3_000_000, h => h.Rcu.TicksOnly = t => ticksOnly && t.Name == "worker");
        Assert.That(syncDone, Is.EqualTo(expected), "HZ 1000: the tick after 100 ns is at 1 ms; the worker's step ends at 3 ms + the IPI's 5 µs");
    }

    [Test]
    public void Expedited_DeferWithNoOtherThreadRunning_EndsOnTime()
    {
        var h = new EngineHarness(cpus: 2, Spec with { ExpeditedQsDeferProbability = 1 });
        long syncDone = 0;
        IEnumerable<Step> Syncer()
        {
            yield return Step.SyncRcuExpedited();
            syncDone = h.Now;
        }

        h.Spawn("syncer", Syncer());
        h.RunAll();
        Assert.That(syncDone, Is.EqualTo(20_000), "an idle CPU is not interrupted (dynticks idle)");
    }

    [Test]
    public void Reader_StartedBeforeGracePeriod_ExtendsIt()
    {
        var h = new EngineHarness(cpus: 2, Spec);
        long done = 0;
        IEnumerable<Step> Reader()
        {
            yield return Step.ReadLock();
            yield return Step.Run(h.Work, 5_000_000);
            yield return Step.ReadUnlock();
        }

        IEnumerable<Step> Syncer()
        {
            yield return Step.Sleep(1000);
            yield return Step.SyncRcu();
            done = h.Now;
        }

        h.Spawn("reader", Reader());
        h.Spawn("syncer", Syncer());
        h.RunAll();
        Assert.That(done, Is.EqualTo(5_000_000), "the GP cannot end before the pre-existing reader");
    }

    [Test]
    public void Barrier_WaitsForQueuedCallbacks()
    {
        var h = new EngineHarness(cpus: 2, Spec);
        long done = 0;
        IEnumerable<Step> Caller()
        {
            h.Rcu.CallRcu(10, 50_000);
            yield return Step.RcuBarrier();
            done = h.Now;
        }

        h.Spawn("caller", Caller());
        h.RunAll();
        Assert.That(done, Is.EqualTo(2_000_000 + 50_000), "one GP, then the callbacks' CPU time");
        Assert.That(h.Rcu.Callbacks, Is.EqualTo(10));
    }

    [Test]
    public void PolledGracePeriod_StartedEarly_CondSynchronizeWaitsOnlyForTheRest()
    {
        var h = new EngineHarness(cpus: 2, Spec);
        long done = 0;
        IEnumerable<Step> Caller()
        {
            var cookie = h.Rcu.StartPoll();
            yield return Step.Run(h.Work, 1_500_000);
            yield return Step.CondSyncRcu(cookie);
            done = h.Now;
        }

        h.Spawn("caller", Caller());
        h.RunAll();
        Assert.That(done, Is.EqualTo(2_000_000), "the GP ran while the caller worked");
    }
}
