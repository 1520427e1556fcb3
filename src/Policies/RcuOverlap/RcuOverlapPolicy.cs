using NetnsPolicy.Sdk;

namespace NetnsPolicy.Policies.RcuOverlap;

/// <summary>
/// Biederman's suggestion in the seed thread, which became <c>pre_exit</c> (commit d7d99872c144, 2019): instead of a
/// full grace period at each synchronize site, the batch starts one polled grace period right after unlinking its nets
/// and every overlapped site waits only for that one. Safe where the state a site protects was unpublished before that
/// grace period started: the nets themselves (<c>cleanup_net</c>'s own wait) and what pernet exit methods tear down.
/// Device-unregister sites keep the kernel's wait: a device may be unlisted (a veth peer in a live netns) after the
/// batch's grace period began, and only a grace period started after that unlink protects its readers.
/// </summary>
public sealed class RcuOverlapPolicy : ICleanupPolicy
{
    public PolicyDescriptor Descriptor { get; } = new(
        "rcu-overlap",
        new Version(1, 0, 0),
        "One polled grace period per batch, started at unlink and shared by cleanup_net's wait and the pernet exit methods' synchronize calls.",
        DecisionPoint.GracePeriod);

    public GracePeriodMode ChooseGracePeriod(in GracePeriodContext context) => context.Site switch
    {
        SyncSite.CleanupNetUnlink or SyncSite.PernetExit => GracePeriodMode.Overlapped,
        _ => context.KernelDefault,
    };
}
