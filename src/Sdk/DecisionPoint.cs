namespace NetnsPolicy.Sdk;

/// <summary>
/// The places in the kernel's netns teardown where a policy may decide (KERNEL-MODEL.md §7).
/// A policy declares the points it overrides in <see cref="PolicyDescriptor.Overrides"/>; the
/// simulation asks it only about those, and uses the kernel era's behaviour for the rest.
/// </summary>
[Flags]
public enum DecisionPoint
{
    /// <summary>No decision point.</summary>
    None = 0,

    /// <summary>How many queued nets form a <c>cleanup_net</c> batch, and whether the rest is re-queued.</summary>
    BatchAdmission = 1 << 0,

    /// <summary>How setup and cleanup take <c>net_mutex</c> / <c>pernet_ops_rwsem</c>.</summary>
    LockScope = 1 << 1,

    /// <summary>Whether a kobject removal sends its uevent.</summary>
    UeventEmission = 1 << 2,

    /// <summary>Which uevent sockets a uevent is delivered to.</summary>
    UeventDelivery = 1 << 3,

    /// <summary>How each synchronize site waits for a grace period.</summary>
    GracePeriod = 1 << 4,

    /// <summary>Whether a driver's devices are unregistered per dying net or once per batch.</summary>
    UnregisterGrouping = 1 << 5,

    /// <summary>Whether RTNL is held across a phase or dropped around its waits.</summary>
    RtnlScope = 1 << 6,
}
