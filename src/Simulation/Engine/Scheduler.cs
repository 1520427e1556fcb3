using System.Runtime.CompilerServices;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// The discrete-event core: simulated time, the event list, N CPUs with a FIFO run queue, and the interpreter that
/// advances kernel-thread coroutines step by step. A thread keeps its CPU across consecutive <see cref="StepKind.Run"/>
/// steps until it sleeps or its time slice is over while others wait (voluntary preemption at cond_resched points).
/// </summary>
internal sealed class Scheduler
{
    private readonly Stack<StepSequence> _sequences = new();
    private readonly Stack<KThread.Frame[]> _frameStacks = new();

    private readonly KThread?[] _running;
    private readonly Queue<KThread> _runQueue = new();
    private readonly long _slice;
    private int _busy;

    public Scheduler(int cpus, long sliceNs, Profiler profiler)
    {
        _running = new KThread?[cpus];
        _slice = sliceNs;
        Profiler = profiler;
        Events = new EventQueue();
    }

    public long Now { get; private set; }

    public EventQueue Events { get; }

    public Profiler Profiler { get; }

    public Rcu Rcu { get; set; } = null!;

    /// <summary>Run-to-run variation of CPU costs and grace periods; null: none (the profile has no <c>variation</c>).</summary>
    public HostVariation? Variation { get; set; }

    /// <summary>The thread whose coroutines are being stepped (set when it is advanced), for a coroutine that changes its own thread's state.</summary>
    public KThread? Running { get; private set; }

    public int Cpus => _running.Length;

    /// <summary>
    /// A non-preemptible kernel (CONFIG_PREEMPT_NONE, or PREEMPT_DYNAMIC booted preempt=none): a running thread gives
    /// its CPU to a waiting one only at a <see cref="StepKind.CondResched"/> (or when it sleeps), not at every step
    /// boundary once its slice is over. False: every step boundary is such a point (today's model).
    /// </summary>
    public bool PreemptAtCondReschedOnly { get; set; }

    /// <summary>CPUs currently running a thread.</summary>
    public int BusyCpus => _busy;

    public int RunQueueLength => _runQueue.Count;

    public long CpuBusyNs { get; private set; }

    /// <summary>Coroutine steps interpreted: every simulated kernel action (CPU segment, lock, unlock, call, wait…).</summary>
    public long Steps { get; private set; }

    /// <summary>Set when a step's handler decides the whole run must end (OOM, policy fault…).</summary>
    public bool Halted { get; set; }

    private long _until = long.MaxValue;
    private Func<bool>? _stop;
    private CancellationToken _token;
    private Action? _every4096;
    private long _devices;

    /// <summary>The run's work budget (<see cref="SimulationBudget"/>); unlimited unless the runner sets one.</summary>
    public SimulationBudget Budget { get; set; } = SimulationBudget.Unlimited;

    /// <summary>Counts <paramref name="count"/> network devices created; throws when the device budget is exceeded.</summary>
    public void ChargeDevices(int count)
    {
        _devices += count;
        if (_devices > Budget.MaxDevices)
        {
            throw new BudgetExceededException("devices", Budget.MaxDevices, _devices, Now);
        }
    }

    /// <summary>Every 4096 events: cancellation, then the event and pending-event budgets.</summary>
    private void CheckEvery4096(CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        if (Events.Processed > Budget.MaxEvents)
        {
            throw new BudgetExceededException("events", Budget.MaxEvents, Events.Processed, Now);
        }

        if (Events.Count > Budget.MaxPendingEvents)
        {
            throw new BudgetExceededException("pending_events", Budget.MaxPendingEvents, Events.Count, Now);
        }
    }

    public KThread Spawn(string name, int rootFunc, IEnumerable<Step> body) => Spawn(name, -1, rootFunc, body);

    /// <summary>Starts a numbered thread (<paramref name="name"/> then <paramref name="index"/>; the name is formatted only when read).</summary>
    public KThread Spawn(string name, int index, int rootFunc, IEnumerable<Step> body)
    {
        var t = new KThread(this, name, index, Profiler.Child(Profiler.Root, rootFunc), body);
        Wake(t);
        return t;
    }

    /// <summary>An empty frame stack for a new thread: one a finished thread gave back, or a new one.</summary>
    internal KThread.Frame[] RentFrames() => _frameStacks.Count > 0 ? _frameStacks.Pop() : new KThread.Frame[8];

    /// <summary>A finished thread's frame stack (every frame cleared), for the next thread.</summary>
    internal void ReturnFrames(KThread.Frame[] frames) => _frameStacks.Push(frames);

    /// <summary>Makes a sleeping thread continue at the current time.</summary>
    public void Wake(KThread t) => Events.Schedule(Now, t, KThread.EventResume);

    public void Schedule(long at, IEventTarget target, int kind, long version = 0) => Events.Schedule(at, target, kind, version);

    /// <summary>Runs events until none is left, <paramref name="until"/> is passed, or the run is halted.</summary>
    public bool RunUntil(long until, Func<bool> stop, CancellationToken token, Action? every4096 = null)
    {
        _until = until;
        _stop = stop;
        _token = token;
        _every4096 = every4096;
        while (!Halted && Events.TryPeekTime(out var next))
        {
            if (next > until)
            {
                Now = until;
                Events.AdvanceTo(until);
                return false;
            }

            Events.TryDequeue(out var time, out var evt);
            Now = time;
            evt.Target.Fire(evt.Kind, evt.Version);
            if ((Events.Processed & 4095) == 0)
            {
                CheckEvery4096(token);
                every4096?.Invoke();
            }

            if (stop())
            {
                return true;
            }
        }

        return true;
    }

    internal void OnThreadEvent(KThread t, int kind, long version)
    {
        switch (kind)
        {
            case KThread.EventResume:
                Advance(t);
                break;
            case KThread.EventRunDone:
                if (version == t.RunVersion && t.PendingNs > 0)
                {
                    t.PendingNs = 0;
                    Advance(t);
                }

                break;
            case KThread.EventStartPending:
                StartRun(t);
                break;
        }
    }

    /// <summary>
    /// Expedited grace period IPIs: every CPU but the caller's handles an interrupt; a thread running there finishes
    /// its step <paramref name="ipiNs"/> later. The handler time is charged to <paramref name="handlerFunc"/>.
    /// </summary>
    public void InterruptAllCpus(KThread? caller, long ipiNs, int handlerFunc)
    {
        var node = Profiler.Child(Profiler.Root, handlerFunc);
        for (var c = 0; c < _running.Length; c++)
        {
            var t = _running[c];
            if (t is not null && ReferenceEquals(t, caller))
            {
                continue;
            }

            Profiler.Add(node, ipiNs, Now);
            if (t is not null && t.PendingNs > 0 && t.RunEnd > Now)
            {
                t.RunEnd += ipiNs;
                t.RunVersion++;
                Events.Schedule(t.RunEnd, t, KThread.EventRunDone, t.RunVersion);
            }
        }
    }

    /// <summary>
    /// When the last CPU whose running thread an expedited GP's IPI found non-preemptible (each busy CPU but the
    /// caller's, with probability <paramref name="deferProbability"/>, in CPU order) reports its quiescent state: at
    /// the end of that thread's current step, or, for a thread <paramref name="ticksOnly"/> says reaches no
    /// cond_resched, at the next tick (jiffies of <paramref name="tickNs"/> from time 0; every CPU's tick aligned, the
    /// kernel's default without sched_skew_tick) when <paramref name="tickNs"/> &gt; 0; <see cref="Now"/> when none defers.
    /// </summary>
    public long DeferredQuiescentState(KThread? caller, double deferProbability, RandomStream random, long tickNs = 0, Func<KThread, bool>? ticksOnly = null)
    {
        var latest = Now;
        for (var c = 0; c < _running.Length; c++)
        {
            var t = _running[c];
            if (t is null || ReferenceEquals(t, caller) || t.PendingNs <= 0 || t.RunEnd <= Now)
            {
                continue;
            }

            var tick = tickNs > 0 && ticksOnly is not null;
            if (tick && !ticksOnly!(t))
            {
                // Preemptible RCU: outside a stretch without cond_resched the state comes at the next preempt_enable or
                // rcu_read_unlock, within the step: not deferred (no draw).
                continue;
            }

            if (random.NextDouble() < deferProbability)
            {
                latest = Math.Max(latest, tick ? ((Now / tickNs) + 1) * tickNs : t.RunEnd);
            }
        }

        return latest;
    }

    /// <summary>A pooled coroutine yielding <paramref name="step"/> once, for a called function whose body is that step.</summary>
    public IEnumerable<Step> One(Step step) => StepSequence.Rent(_sequences, 1, step);

    /// <summary>A pooled coroutine yielding no step (a called function with nothing to do).</summary>
    public IEnumerable<Step> Sequence() => StepSequence.Rent(_sequences, 0);

    /// <summary>A pooled coroutine yielding <paramref name="s0"/>, <paramref name="s1"/> (steps fixed at the call: see <see cref="StepSequence"/>).</summary>
    public IEnumerable<Step> Sequence(Step s0, Step s1) => StepSequence.Rent(_sequences, 2, s0, s1);

    /// <summary>A pooled coroutine yielding <paramref name="s0"/>, <paramref name="s1"/>, <paramref name="s2"/> (see <see cref="StepSequence"/>).</summary>
    public IEnumerable<Step> Sequence(Step s0, Step s1, Step s2) => StepSequence.Rent(_sequences, 3, s0, s1, s2);

    /// <summary>
    /// One work item queued on every online CPU (queue_work_on per CPU, then flush_work on each): on an idle CPU, or
    /// the caller's own (the caller is between steps: it sleeps in flush_work), it runs now; on a CPU running another
    /// thread it runs at that thread's next step boundary (the model's cond_resched points: the woken kworker
    /// preempts there), and that thread's segment ends <paramref name="workNs"/> later. The work's time is charged to
    /// <paramref name="workFunc"/> under <paramref name="rootFunc"/>. Returns when the last item has run. The work on an
    /// idle CPU does not occupy it for the scheduler (a thread woken there meanwhile is not delayed).
    /// </summary>
    public long RunWorkOnEachCpu(long workNs, int rootFunc, int workFunc)
    {
        var node = Profiler.Child(Profiler.Child(Profiler.Root, rootFunc), workFunc);
        var done = Now;
        for (var c = 0; c < _running.Length; c++)
        {
            var t = _running[c];
            var start = Now;
            if (t is not null && t.PendingNs > 0 && t.RunEnd > Now)
            {
                start = t.RunEnd;
                t.RunEnd += workNs;
                t.CpuNs += workNs;
                t.RunVersion++;
                Events.Schedule(t.RunEnd, t, KThread.EventRunDone, t.RunVersion);
            }

            CpuBusyNs += workNs;
            Profiler.Add(node, workNs, start);
            done = Math.Max(done, start + workNs);
        }

        return done;
    }

    private void Advance(KThread t)
    {
        Running = t;
        while (!Halted)
        {
            if (t.FrameCount == 0)
            {
                t.MarkExited();
                ReleaseCpu(t);
                return;
            }

            var body = t.Top;
            if (!body.MoveNext())
            {
                t.Pop();
                continue;
            }

            var s = body.Current;
            Steps++;
            switch (s.Kind)
            {
                case StepKind.Run:
                    if (s.Value <= 0)
                    {
                        continue;
                    }

                    var ns = t.CostFactor == 1.0 ? s.Value : Math.Max(1, (long)Math.Round(s.Value * t.CostFactor));
                    t.PendingNs = Variation is null ? ns : Variation.Cost(ns);
                    t.PendingFunc = s.Func;
                    var reschedPoint = !PreemptAtCondReschedOnly || t.AtCondResched;
                    t.AtCondResched = false;
                    if (t.Cpu < 0)
                    {
                        RequestCpu(t);
                    }
                    else if (reschedPoint && Now - t.SliceStart >= _slice && _runQueue.Count > 0)
                    {
                        // Voluntary preemption: give the CPU to the head of the run queue, go to the tail.
                        ReleaseCpu(t);
                        _runQueue.Enqueue(t);
                    }
                    else if (TryRunInline(t))
                    {
                        continue;
                    }
                    else
                    {
                        StartRun(t);
                    }

                    return;
                case StepKind.Call:
                    t.Push(Unsafe.As<IEnumerator<Step>>(s.Obj!), Profiler.Child(t.Node, s.Func));
                    continue;
                case StepKind.Lock:
                case StepKind.LockRead:
                    if (((SleepLock)s.Obj!).Acquire(t, s.Kind == StepKind.Lock, Now))
                    {
                        continue;
                    }

                    ReleaseCpu(t);
                    return;
                case StepKind.Unlock:
                case StepKind.UnlockRead:
                    ((SleepLock)s.Obj!).Release(t, s.Kind == StepKind.Unlock, Now);
                    continue;
                case StepKind.Wait:
                    ((WaitQueue)s.Obj!).Add(t);
                    ReleaseCpu(t);
                    return;
                case StepKind.Sleep:
                    ReleaseCpu(t);
                    Events.Schedule(Now + Math.Max(0, s.Value), t, KThread.EventResume);
                    return;
                case StepKind.SyncRcu:
                    if (Rcu.Synchronize(t, expedited: false))
                    {
                        continue;
                    }

                    ReleaseCpu(t);
                    return;
                case StepKind.SyncRcuExpedited:
                    if (Rcu.Synchronize(t, expedited: true))
                    {
                        continue;
                    }

                    ReleaseCpu(t);
                    return;
                case StepKind.CondSyncRcu:
                    if (Rcu.CondSynchronize(t, s.Value))
                    {
                        continue;
                    }

                    ReleaseCpu(t);
                    return;
                case StepKind.RcuBarrier:
                    if (Rcu.Barrier(t))
                    {
                        continue;
                    }

                    ReleaseCpu(t);
                    return;
                case StepKind.ReadLock:
                    Rcu.ReadLock(t);
                    continue;
                case StepKind.ReadUnlock:
                    Rcu.ReadUnlock(t);
                    continue;
                case StepKind.CondResched:
                    t.AtCondResched = true;
                    continue;
            }
        }
    }

    private void RequestCpu(KThread t)
    {
        for (var c = 0; c < _running.Length; c++)
        {
            if (_running[c] is null)
            {
                Assign(t, c);
                StartRun(t);
                return;
            }
        }

        _runQueue.Enqueue(t);
    }

    private void Assign(KThread t, int cpu)
    {
        _running[cpu] = t;
        t.Cpu = cpu;
        t.SliceStart = Now;
        _busy++;
    }

    private void ReleaseCpu(KThread t)
    {
        if (t.Cpu < 0)
        {
            return;
        }

        var cpu = t.Cpu;
        _running[cpu] = null;
        t.Cpu = -1;
        _busy--;
        if (_runQueue.Count > 0)
        {
            var next = _runQueue.Dequeue();
            Assign(next, cpu);
            Events.Schedule(Now, next, KThread.EventStartPending);
        }
    }

    /// <summary>
    /// The completion of a CPU segment is an event; when no other event can come before it, it is processed here
    /// without a heap round trip: time jumps to its end and the thread goes on. Same order, same results.
    /// </summary>
    private bool TryRunInline(KThread t)
    {
        var end = Now + t.PendingNs;
        if (end > _until || (Events.TryPeekTime(out var next) && next <= end))
        {
            return false;
        }

        CpuBusyNs += t.PendingNs;
        t.CpuNs += t.PendingNs;
        Profiler.Add(t.PendingFunc < 0 ? t.Node : Profiler.Child(t.Node, t.PendingFunc), t.PendingNs, Now);
        t.RunVersion++;
        t.PendingNs = 0;
        Now = end;
        Events.AdvanceTo(end);
        Events.CountInline();
        if ((Events.Processed & 4095) == 0)
        {
            CheckEvery4096(_token);
            _every4096?.Invoke();
        }

        if (_stop is not null && _stop())
        {
            Halted = true;
            return false;
        }

        return true;
    }

    private void StartRun(KThread t)
    {
        var ns = t.PendingNs;
        t.RunEnd = Now + ns;
        t.RunVersion++;
        CpuBusyNs += ns;
        t.CpuNs += ns;
        Profiler.Add(t.PendingFunc < 0 ? t.Node : Profiler.Child(t.Node, t.PendingFunc), ns, Now);
        Events.Schedule(t.RunEnd, t, KThread.EventRunDone, t.RunVersion);
    }
}
