using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// One run of cleanup_net: the nets taken from cleanup_list (<c>net_kill_list</c>), the grace-period mode planned
/// for cleanup_net's own wait and for every op that waits, the RCU state after the pre_exit pass, the tunnel drivers
/// that joined default_device_exit_batch's round (exit_batch_rtnl), and the setup-lock hold. Reused from run to run
/// (<see cref="Reset"/>; issue 16, churn allocations: a batch per namespace in a slow churn).
/// </summary>
internal sealed class CleanupBatch(int ops)
{
    public ValueList<Net> Nets { get; } = [];

    public int Count => Nets.Count;

    /// <summary>The mode of the grace period after unlinking (step 6).</summary>
    public GracePeriodMode UnlinkMode { get; set; }

    /// <summary>Per op (registration index): the mode of its exit's synchronize calls.</summary>
    public GracePeriodMode[] OpModes { get; } = new GracePeriodMode[ops];

    /// <summary>RCU state once the pre_exit pass is done: overlapped syncs wait for a grace period from here.</summary>
    public RcuSnapshot PreExitDone { get; set; }

    /// <summary>Tunnel drivers whose devices join default_device_exit_batch's unregister round (6.9).</summary>
    public List<PernetOp> JoinDefaultRound { get; } = [];

    /// <summary>When the setup lock was taken.</summary>
    public long LockedAt { get; set; }

    /// <summary>How long the setup lock was held.</summary>
    public long HoldNs { get; set; }

    /// <summary>Empties the batch for the next run, as a new one.</summary>
    public void Reset()
    {
        Nets.Clear();
        UnlinkMode = default;
        Array.Clear(OpModes);
        PreExitDone = default;
        JoinDefaultRound.Clear();
        LockedAt = 0;
        HoldNs = 0;
    }
}
