namespace NetnsPolicy.Sdk;

/// <summary>The places in teardown that wait for an RCU grace period.</summary>
public enum SyncSite
{
    /// <summary><c>cleanup_net</c> step 6: the grace period after unlinking the batch's nets from the global list.</summary>
    CleanupNetUnlink,

    /// <summary>The first <c>synchronize_net</c> of <c>unregister_netdevice_many</c> (after unlisting the devices).</summary>
    UnregisterUnlist,

    /// <summary>The second <c>synchronize_net</c> of <c>unregister_netdevice_many</c> (before dropping references).</summary>
    UnregisterRelease,

    /// <summary>A pernet operation's exit method calling <c>synchronize_rcu</c>/<c>synchronize_net</c>.</summary>
    PernetExit,

    /// <summary><c>dev_change_net_namespace</c> moving a physical device back to the init netns.</summary>
    DeviceMove,
}
