using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// The RCU waits of the netns paths as the kernel calls them (<c>synchronize_net</c>, <c>synchronize_rcu</c>,
/// <c>rcu_barrier</c>), and the time cleanup spent in them (<c>rcu.cleanup_wait_ms</c>).
/// </summary>
internal sealed class NetRcu(KernelContext k)
{
    private readonly Stack<SynchronizeNetCall> _synchronizeNets = new();

    private KernelContext K => k;

    /// <summary>Time the teardown path spent waiting for grace periods and barriers.</summary>
    public long CleanupWaitNs { get; private set; }

    /// <summary>Of <see cref="CleanupWaitNs"/>, the time in rcu_barrier (netdev_run_todo's and cleanup_net's).</summary>
    public long BarrierWaitNs { get; private set; }

    public void AddWait(long ns) => CleanupWaitNs += ns;

    /// <summary>A wait in rcu_barrier: counted in <see cref="CleanupWaitNs"/> and <see cref="BarrierWaitNs"/>.</summary>
    public void AddBarrierWait(long ns)
    {
        CleanupWaitNs += ns;
        BarrierWaitNs += ns;
    }

    /// <summary>
    /// A wait as a call of its own (so the profile shows it under synchronize_rcu / synchronize_net); a pooled
    /// one-step coroutine, not an object per wait.
    /// </summary>
    public IEnumerable<Step> Wait(Step wait) => k.S.One(wait);

    public static Step? SyncStep(GracePeriodMode mode) => mode switch
    {
        GracePeriodMode.Normal => Step.SyncRcu(),
        GracePeriodMode.Expedited => Step.SyncRcuExpedited(),
        _ => null,
    };

    /// <summary>synchronize_net: expedited when RTNL is held (or always from the cleanup thread, 6.14+).</summary>
    public GracePeriodMode SynchronizeNetDefault(bool rtnlHeld) =>
        rtnlHeld || k.Structure.SynchronizeNetExpedited == SynchronizeNetExpedited.RtnlHeldOrCleanupNet ? GracePeriodMode.Expedited : GracePeriodMode.Normal;

    /// <remarks>Pooled (<see cref="SynchronizeNetCall"/>; issue 16, churn allocations).</remarks>
    public IEnumerable<Step> SynchronizeNet(GracePeriodMode mode, long cookie) => SynchronizeNetCall.Rent(this, mode, cookie);

    /// <summary>rcu_barrier: its own cost, then a wait for every callback queued so far.</summary>
    /// <remarks>Two fixed steps: a pooled coroutine (<see cref="Scheduler.Sequence(Step, Step)"/>), not an iterator per call.</remarks>
    public IEnumerable<Step> Barrier() =>
        k.S.Sequence(Step.Self(k.Cpu(k.Profile.Rcu.RcuBarrierBaseNs + (k.Profile.Rcu.RcuBarrierPerCpuNs * k.S.Cpus))), Step.RcuBarrier());

    /// <summary>
    /// <see cref="SynchronizeNet"/> as a pooled coroutine: at its first step it notes the time and calls the wait
    /// (none for a mode without one), at the next it adds the time waited, as the iterator it replaces did.
    /// </summary>
    private sealed class SynchronizeNetCall : PooledCoroutine<SynchronizeNetCall>
    {
        private readonly NetRcu _owner;
        private GracePeriodMode _mode;
        private long _cookie;
        private long _start;
        private int _state;

        private SynchronizeNetCall(NetRcu owner)
            : base(owner._synchronizeNets) => _owner = owner;

        public static SynchronizeNetCall Rent(NetRcu owner, GracePeriodMode mode, long cookie)
        {
            var e = owner._synchronizeNets.Count > 0 ? owner._synchronizeNets.Pop() : new SynchronizeNetCall(owner);
            e._mode = mode;
            e._cookie = cookie;
            e._state = 0;
            return e.Begin();
        }

        public override bool MoveNext()
        {
            var k = _owner.K;
            if (_state == 0)
            {
                _state = 1;
                _start = k.S.Now;
                var wait = _mode == GracePeriodMode.Overlapped ? Step.CondSyncRcu(_cookie) : SyncStep(_mode);
                if (wait is { } w)
                {
                    return Yield(Step.Call(k.F.SynchronizeNet, _owner.Wait(w)));
                }
            }

            if (_state == 1)
            {
                _state = 2;
                _owner.CleanupWaitNs += k.S.Now - _start;
            }

            return false;
        }

        protected override void Clear() => _state = 2;
    }
}
