using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Tests.Engine;

[TestFixture]
public sealed class SchedulerTests
{
    [Test]
    public void Run_TwoThreadsOneCpu_QueueAndSerialize()
    {
        var h = new EngineHarness(cpus: 1);
        var ends = new List<(string, long)>();
        IEnumerable<Step> Body(string name)
        {
            yield return Step.Run(h.Work, 1_000_000);
            ends.Add((name, h.Now));
        }

        h.Spawn("a", Body("a"));
        h.Spawn("b", Body("b"));
        h.RunAll();
        Assert.That(ends, Is.EqualTo(new[] { ("a", 1_000_000L), ("b", 2_000_000L) }));
    }

    [Test]
    public void Run_TwoThreadsTwoCpus_RunInParallel()
    {
        var h = new EngineHarness(cpus: 2);
        var ends = new List<long>();
        IEnumerable<Step> Body()
        {
            yield return Step.Run(h.Work, 1_000_000);
            ends.Add(h.Now);
        }

        h.Spawn("a", Body());
        h.Spawn("b", Body());
        h.RunAll();
        Assert.That(ends, Is.EqualTo(new[] { 1_000_000L, 1_000_000L }));
    }

    [Test]
    public void Run_LongRunnerPastItsSlice_YieldsToWaitingThread() =>
        Assert.That(ShortThreadDone(nonPreemptible: false, condReschedAfter: -1), Is.EqualTo(2_100_000), "the short thread runs once the long one's 2 ms slice is over");

    [Test]
    public void Run_NonPreemptibleLongRunnerPastItsSlice_KeepsTheCpuUntilItEnds() =>
        Assert.That(ShortThreadDone(nonPreemptible: true, condReschedAfter: -1), Is.EqualTo(10_100_000), "PREEMPT_NONE: no step boundary is a scheduling point without cond_resched");

    [Test]
    public void Run_NonPreemptibleLongRunnerAtCondResched_YieldsOnceItsSliceIsOver() =>
        Assert.That(ShortThreadDone(nonPreemptible: true, condReschedAfter: 4), Is.EqualTo(5_100_000), "the first cond_resched past the 2 ms slice (after 5 ms) gives the CPU away");

    /// <summary>
    /// One CPU, 2 ms slices: a thread of ten 1 ms segments (a cond_resched after segment <paramref name="condReschedAfter"/>,
    /// none for -1) and a 0.1 ms thread behind it; when the short one finishes.
    /// </summary>
    private static long ShortThreadDone(bool nonPreemptible, int condReschedAfter)
    {
        var h = new EngineHarness(cpus: 1, sliceNs: 2_000_000);
        h.Scheduler.PreemptAtCondReschedOnly = nonPreemptible;
        long shortDone = 0;
        IEnumerable<Step> Long()
        {
            for (var i = 0; i < 10; i++)
            {
                yield return Step.Run(h.Work, 1_000_000);
                if (i == condReschedAfter)
                {
                    yield return Step.CondResched();
                }
            }
        }

        IEnumerable<Step> Short()
        {
            yield return Step.Run(h.Work, 100_000);
            shortDone = h.Now;
        }

        h.Spawn("long", Long());
        h.Spawn("short", Short());
        h.RunAll();
        return shortDone;
    }

    [Test]
    public void Sleep_ReleasesTheCpu()
    {
        var h = new EngineHarness(cpus: 1);
        long bDone = 0;
        IEnumerable<Step> A()
        {
            yield return Step.Sleep(5_000_000);
        }

        IEnumerable<Step> B()
        {
            yield return Step.Run(h.Work, 1_000_000);
            bDone = h.Now;
        }

        h.Spawn("a", A());
        h.Spawn("b", B());
        h.RunAll();
        Assert.That(bDone, Is.EqualTo(1_000_000));
    }

    [Test]
    public void Profiler_NestedCalls_AccountSelfAndChildren()
    {
        var h = new EngineHarness(cpus: 1);
        var inner = h.Profiler.Func("inner");
        IEnumerable<Step> Inner()
        {
            yield return Step.Self(300);
        }

        IEnumerable<Step> Outer()
        {
            yield return Step.Self(100);
            yield return Step.Call(inner, Inner());
        }

        h.Profiler.WindowStart = 0;
        h.Spawn("outer", Outer());
        h.RunAll();
        var root = h.Profiler.Build();
        var outer = root.Children.Single(c => c.Name == "outer");
        Assert.That(outer.SelfPct, Is.EqualTo(25.0).Within(1e-9));
        Assert.That(outer.ChildrenPct, Is.EqualTo(100.0).Within(1e-9));
        Assert.That(outer.Children.Single().Name, Is.EqualTo("inner"));
    }

    [Test]
    public void EventQueue_SimultaneousEvents_FireInSchedulingOrder()
    {
        var q = new EventQueue();
        var fired = new List<int>();
        var target = new Recorder(fired);
        q.Schedule(10, target, 3);
        q.Schedule(5, target, 1);
        q.Schedule(10, target, 4);
        q.Schedule(5, target, 2);
        while (q.TryDequeue(out _, out var e))
        {
            e.Target.Fire(e.Kind, e.Version);
        }

        Assert.That(fired, Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void RandomStream_SameSeedAndStream_SameSequence_OtherStreamDiffers()
    {
        var a = new RandomStream(42, 0, 7);
        var b = new RandomStream(42, 0, 7);
        var c = new RandomStream(42, 0, 8);
        var d = new RandomStream(42, 1, 7);
        var xa = Enumerable.Range(0, 5).Select(_ => a.NextUInt64()).ToArray();
        Assert.That(Enumerable.Range(0, 5).Select(_ => b.NextUInt64()), Is.EqualTo(xa));
        Assert.That(Enumerable.Range(0, 5).Select(_ => c.NextUInt64()), Is.Not.EqualTo(xa));
        Assert.That(Enumerable.Range(0, 5).Select(_ => d.NextUInt64()), Is.Not.EqualTo(xa));
        var mean = Enumerable.Range(0, 100_000).Select(_ => a.NextDouble()).Average();
        Assert.That(mean, Is.EqualTo(0.5).Within(0.01));
    }

    private sealed class Recorder(List<int> fired) : IEventTarget
    {
        public void Fire(int kind, long version) => fired.Add(kind);
    }

    /// <summary>
    /// flush_all_backlogs ≤5.9 (net/core/dev.c): a work item on every online CPU, flushed one by one. On 3 CPUs, one
    /// idle and one running a 10 ms segment, the caller's wait ends when the busy CPU's thread reaches its step boundary
    /// and the item has run there; that thread finishes the item's time later.
    /// </summary>
    [Test]
    public void RunWorkOnEachCpu_OneCpuBusy_WaitsForItsNextStepBoundary()
    {
        var h = new EngineHarness(cpus: 3);
        var flush = h.Profiler.Func("flush_backlog");
        var root = h.Profiler.Func("kworker");
        long busyDone = 0, callerDone = 0, workDone = 0;
        IEnumerable<Step> Busy()
        {
            yield return Step.Run(h.Work, 10_000_000);
            busyDone = h.Now;
        }

        IEnumerable<Step> Caller()
        {
            yield return Step.Run(h.Work, 1_000_000);
            workDone = h.Scheduler.RunWorkOnEachCpu(2_000, root, flush);
            yield return Step.Sleep(workDone - h.Now);
            callerDone = h.Now;
        }

        h.Spawn("busy", Busy());
        h.Spawn("caller", Caller());
        h.RunAll();

        Assert.That(workDone, Is.EqualTo(10_002_000), "the busy CPU runs the item at 10 ms, for 2 µs");
        Assert.That(callerDone, Is.EqualTo(workDone));
        Assert.That(busyDone, Is.EqualTo(10_002_000), "the busy thread lost the item's 2 µs");
        Assert.That(h.Scheduler.CpuBusyNs, Is.EqualTo(11_000_000 + (3 * 2_000)));
    }
}
