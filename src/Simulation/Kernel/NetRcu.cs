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
    /// <summary>Time the teardown path spent waiting for grace periods and barriers.</summary>
    public long CleanupWaitNs { get; private set; }

    public void AddWait(long ns) => CleanupWaitNs += ns;

    /// <summary>A wait as a call of its own (so the profile shows it under synchronize_rcu / synchronize_net).</summary>
    public static IEnumerable<Step> Wait(Step wait)
    {
        yield return wait;
    }

    public static Step? SyncStep(GracePeriodMode mode) => mode switch
    {
        GracePeriodMode.Normal => Step.SyncRcu(),
        GracePeriodMode.Expedited => Step.SyncRcuExpedited(),
        _ => null,
    };

    /// <summary>synchronize_net: expedited when RTNL is held (or always from the cleanup thread, 6.14+).</summary>
    public GracePeriodMode SynchronizeNetDefault(bool rtnlHeld) =>
        rtnlHeld || k.Structure.SynchronizeNetExpedited == SynchronizeNetExpedited.RtnlHeldOrCleanupNet ? GracePeriodMode.Expedited : GracePeriodMode.Normal;

    public IEnumerable<Step> SynchronizeNet(GracePeriodMode mode, long cookie)
    {
        var start = k.S.Now;
        var wait = mode == GracePeriodMode.Overlapped ? Step.CondSyncRcu(cookie) : SyncStep(mode);
        if (wait is { } w)
        {
            yield return Step.Call(k.F.SynchronizeNet, Wait(w));
        }

        CleanupWaitNs += k.S.Now - start;
    }

    /// <summary>rcu_barrier: its own cost, then a wait for every callback queued so far.</summary>
    public IEnumerable<Step> Barrier()
    {
        yield return Step.Self(k.Cpu(k.Profile.Rcu.RcuBarrierBaseNs + (k.Profile.Rcu.RcuBarrierPerCpuNs * k.S.Cpus)));
        yield return Step.RcuBarrier();
    }
}
