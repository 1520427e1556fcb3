using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// RCU (KERNEL-MODEL.md §5): normal grace periods whose length depends on HZ, CPU count and load; expedited grace
/// periods that interrupt every CPU; callers sharing grace periods (a caller arriving while GP k runs waits for the end
/// of GP k+1); call_rcu callbacks run by a callback thread after their GP; rcu_barrier; polled grace periods
/// (cookies, as get_state_synchronize_rcu / poll_state_synchronize_rcu); and read-side critical sections, which a
/// grace period must outlast when they began before it.
/// </summary>
internal sealed class Rcu : IEventTarget
{
    private const int EventGpTimer = 0;
    private const int EventExpTimer = 1;
    private const int MaxRecordedGracePeriods = 2000;

    private readonly Scheduler _s;
    private readonly RcuSpec _spec;
    private readonly RandomStream _random;
    private readonly long _jiffyNs;
    private readonly bool _shortcut;
    private readonly List<KThread> _waiters = [];
    private readonly List<KThread> _expWaiters = [];
    private readonly List<KThread> _barrierWaiters = [];
    private readonly RingQueue<PendingCallbacks> _pending = new();
    private readonly RingQueue<ReadyCallbacks> _ready = new();
    private readonly WaitQueue _callbackThreadQueue;
    private readonly int _fnDoBatch;
    private readonly int _fnExpHandler;

    private bool _gpActive;
    private bool _gpTimerDone;
    private bool _gpNeeded;
    private long _gpStart;
    private long _gpStarted;
    private int _gpBlockingReaders;

    private bool _expActive;
    private bool _expTimerDone;
    private bool _expNeeded;
    private long _expStart;
    private long _expStarted;
    private int _expBlockingReaders;

    private int _activeReaders;
    private long _queuedSeq;
    private long _invokedSeq;

    /// <summary>
    /// Whether a thread is one whose deferred expedited quiescent state waits for the tick (set by the kernel model:
    /// the cleanup_net worker, whose stretches between sleeps reach no point that reports it under dynamic preemption
    /// none) (<see cref="RcuSpec.ExpeditedQsTickOnCleanupWorker"/>).
    /// </summary>
    public Func<KThread, bool>? TicksOnly { get; set; }

    public Rcu(Scheduler scheduler, RcuSpec spec, int hz, RandomStream random)
    {
        _s = scheduler;
        _spec = spec;
        _random = random;
        _jiffyNs = 1_000_000_000L / hz;
        _shortcut = spec.SingleCpuShortcut && scheduler.Cpus == 1;
        _callbackThreadQueue = new WaitQueue(scheduler);
        _fnDoBatch = scheduler.Profiler.Func("rcu_do_batch");
        _fnExpHandler = scheduler.Profiler.Func("sync_rcu_exp_handler");
        scheduler.Spawn("rcuc", scheduler.Profiler.Func("rcu_core"), CallbackThread());
    }

    /// <summary>Normal grace periods completed.</summary>
    public long Completed { get; private set; }

    /// <summary>Expedited grace periods completed.</summary>
    public long ExpeditedCompleted { get; private set; }

    /// <summary>synchronize calls that returned at once because only one CPU is online (rcu_blocking_is_gp).</summary>
    public long ShortcutCount { get; private set; }

    public long SynchronizeNormal { get; private set; }

    public long SynchronizeExpedited { get; private set; }

    public long WaitTotalNs { get; private set; }

    public long BarrierWaitNs { get; private set; }

    public long Callbacks { get; private set; }

    public long Barriers { get; private set; }

    public List<double[]> GracePeriods { get; } = [];

    /// <summary>The cookie a full grace period from now completes (get_state_synchronize_rcu).</summary>
    public long State => _gpActive ? Completed + 2 : Completed + 1;

    public long ExpeditedState => _expActive ? ExpeditedCompleted + 2 : ExpeditedCompleted + 1;

    /// <summary>A snapshot from which <see cref="Elapsed"/> tells whether a full grace period of any kind has passed.</summary>
    public RcuSnapshot Snapshot() => new(State, ExpeditedState, ShortcutCount + 1);

    public bool Elapsed(RcuSnapshot s) => Completed >= s.Normal || ExpeditedCompleted >= s.Expedited || ShortcutCount >= s.Shortcut;

    /// <summary>start_poll_synchronize_rcu: the cookie, and a grace period is on its way.</summary>
    public long StartPoll()
    {
        var cookie = State;
        RequestGp();
        return cookie;
    }

    public bool Synchronize(KThread t, bool expedited)
    {
        if (expedited)
        {
            SynchronizeExpedited++;
        }
        else
        {
            SynchronizeNormal++;
        }

        if (_shortcut)
        {
            ShortcutCount++;
            return true;
        }

        t.WaitStart = _s.Now;
        if (expedited)
        {
            t.RcuCookie = ExpeditedState;
            _expWaiters.Add(t);
            if (_expActive)
            {
                _expNeeded = true;
            }
            else
            {
                StartExpedited(t);
            }
        }
        else
        {
            t.RcuCookie = State;
            _waiters.Add(t);
            RequestGp();
        }

        return false;
    }

    public bool CondSynchronize(KThread t, long cookie)
    {
        if (Completed >= cookie)
        {
            return true;
        }

        if (_shortcut)
        {
            ShortcutCount++;
            return true;
        }

        t.WaitStart = _s.Now;
        t.RcuCookie = cookie;
        _waiters.Add(t);
        RequestGp();
        return false;
    }

    /// <summary>call_rcu: <paramref name="count"/> callbacks costing <paramref name="costNs"/> in all.</summary>
    public void CallRcu(long count, long costNs)
    {
        Callbacks += count;
        _pending.Enqueue(new PendingCallbacks(State, costNs, ++_queuedSeq));
        RequestGp();
    }

    /// <summary>rcu_barrier: returns true when no callback queued before it is still pending.</summary>
    public bool Barrier(KThread t)
    {
        Barriers++;
        if (_invokedSeq >= _queuedSeq)
        {
            return true;
        }

        t.WaitStart = _s.Now;
        t.RcuCookie = _queuedSeq;
        _barrierWaiters.Add(t);
        return false;
    }

    public void ReadLock(KThread t)
    {
        t.ReaderSince = _s.Now;
        t.ReaderGpEpoch = _gpStarted;
        t.ReaderExpEpoch = _expStarted;
        _activeReaders++;
    }

    public void ReadUnlock(KThread t)
    {
        _activeReaders--;
        t.ReaderSince = -1;
        if (_gpActive && t.ReaderGpEpoch < _gpStarted)
        {
            _gpBlockingReaders--;
            TryEndGp();
        }

        if (_expActive && t.ReaderExpEpoch < _expStarted)
        {
            _expBlockingReaders--;
            TryEndExpedited();
        }
    }

    public void Fire(int kind, long version)
    {
        if (kind == EventGpTimer)
        {
            _gpTimerDone = true;
            TryEndGp();
        }
        else
        {
            _expTimerDone = true;
            TryEndExpedited();
        }
    }

    private void RequestGp()
    {
        if (_gpActive)
        {
            _gpNeeded = true;
        }
        else
        {
            StartGp();
        }
    }

    private void StartGp()
    {
        _gpActive = true;
        _gpTimerDone = false;
        _gpNeeded = false;
        _gpStart = _s.Now;
        _gpStarted++;
        _gpBlockingReaders = _activeReaders;

        // A GP needs every CPU through a quiescent state: idle CPUs are already quiescent, busy ones are forced
        // by the FQS scan after 1–3 jiffies (jiffies_till_first_fqs), more CPUs take longer to scan.
        long d;
        if (_s.Cpus == 1)
        {
            d = _spec.SingleCpuGpNs;
        }
        else
        {
            var busy = (double)_s.BusyCpus / _s.Cpus;
            var jiffies = _spec.NormalGpBaseJiffies + (_spec.NormalGpBusyExtraJiffies * busy);
            var jitter = 1 + (_spec.GpJitter * ((2 * _random.NextDouble()) - 1));
            d = (long)(_jiffyNs * jiffies * jitter) + (_spec.NormalGpPerCpuNs * _s.Cpus);
        }
        if (_s.Variation is { } v)
        {
            d = v.GracePeriod(d);
        }

        _s.Schedule(_s.Now + Math.Max(1, d), this, EventGpTimer);
    }

    private void TryEndGp()
    {
        if (!_gpActive || !_gpTimerDone || _gpBlockingReaders > 0)
        {
            return;
        }

        _gpActive = false;
        Completed++;
        Record(_gpStart, 0);
        WaitTotalNs += WakeSatisfied(_waiters, Completed);
        while (_pending.Count > 0 && _pending.Peek().Cookie <= Completed)
        {
            var p = _pending.Dequeue();
            _ready.Enqueue(new ReadyCallbacks(p.CostNs, p.Seq));
        }

        if (_ready.Count > 0)
        {
            _callbackThreadQueue.WakeAll();
        }

        if (_gpNeeded || _waiters.Count > 0 || _pending.Count > 0)
        {
            StartGp();
        }
    }

    private void StartExpedited(KThread? caller)
    {
        _expActive = true;
        _expTimerDone = false;
        _expNeeded = false;
        _expStart = _s.Now;
        _expStarted++;
        _expBlockingReaders = _activeReaders;
        _s.InterruptAllCpus(caller, _spec.ExpeditedIpiNs, _fnExpHandler);
        var length = _spec.ExpeditedBaseNs + (_spec.ExpeditedPerCpuNs * _s.Cpus);
        var end = _s.Now + (_s.Variation?.GracePeriod(length) ?? length);
        if (_spec.ExpeditedQsDeferProbability > 0)
        {
            // Drawn only when the profile defers: profiles without it keep every random sequence as it was.
            end = Math.Max(end, _s.DeferredQuiescentState(caller, _spec.ExpeditedQsDeferProbability, _random, _spec.ExpeditedQsTickOnCleanupWorker ? _jiffyNs : 0, TicksOnly));
        }

        _s.Schedule(end, this, EventExpTimer);
    }

    private void TryEndExpedited()
    {
        if (!_expActive || !_expTimerDone || _expBlockingReaders > 0)
        {
            return;
        }

        _expActive = false;
        ExpeditedCompleted++;
        Record(_expStart, 1);
        WaitTotalNs += WakeSatisfied(_expWaiters, ExpeditedCompleted);
        if (_expNeeded || _expWaiters.Count > 0)
        {
            StartExpedited(null);
        }
    }

    /// <summary>Wakes the waiters whose cookie is reached; returns the time they waited in all.</summary>
    private long WakeSatisfied(List<KThread> waiters, long completed)
    {
        long waited = 0;
        var kept = 0;
        for (var i = 0; i < waiters.Count; i++)
        {
            var t = waiters[i];
            if (t.RcuCookie <= completed)
            {
                waited += _s.Now - t.WaitStart;
                _s.Wake(t);
            }
            else
            {
                waiters[kept++] = t;
            }
        }

        waiters.RemoveRange(kept, waiters.Count - kept);
        return waited;
    }

    private void Record(long start, int kind)
    {
        if (GracePeriods.Count < MaxRecordedGracePeriods)
        {
            GracePeriods.Add([start / 1e6, _s.Now / 1e6, kind]);
        }
    }

    /// <summary>The callback thread (rcuc / RCU softirq): invokes ready callbacks, then releases barrier waiters.</summary>
    private IEnumerable<Step> CallbackThread()
    {
        while (true)
        {
            while (_ready.Count == 0)
            {
                yield return Step.Wait(_callbackThreadQueue);
            }

            long cost = 0;
            long seq = 0;
            while (_ready.Count > 0)
            {
                var r = _ready.Dequeue();
                cost += r.CostNs;
                seq = r.Seq;
            }

            yield return Step.Run(_fnDoBatch, Math.Max(1, cost));
            _invokedSeq = Math.Max(_invokedSeq, seq);
            BarrierWaitNs += WakeSatisfied(_barrierWaiters, _invokedSeq);
        }
    }

    /// <summary>call_rcu callbacks waiting for the grace period after <paramref name="Cookie"/>; <paramref name="Seq"/> orders them for rcu_barrier.</summary>
    private readonly record struct PendingCallbacks(long Cookie, long CostNs, long Seq);

    /// <summary>Callbacks whose grace period has ended, waiting for the callback thread.</summary>
    private readonly record struct ReadyCallbacks(long CostNs, long Seq);
}

/// <summary>A point in RCU time: a full grace period of any kind after it satisfies <see cref="Rcu.Elapsed"/>.</summary>
internal readonly record struct RcuSnapshot(long Normal, long Expedited, long Shortcut);
