namespace NetnsPolicy.Sdk;

/// <summary>Passed at each synchronize site.</summary>
/// <param name="State">The kernel at this moment.</param>
/// <param name="Site">Which site.</param>
/// <param name="Operation">The pernet operation's name at <see cref="SyncSite.PernetExit"/>, else empty.</param>
/// <param name="RtnlHeld">Whether the caller holds RTNL (<c>synchronize_net</c> is expedited then).</param>
/// <param name="KernelDefault">What the era's kernel does here.</param>
public readonly record struct GracePeriodContext(IKernelState State, SyncSite Site, string Operation, bool RtnlHeld, GracePeriodMode KernelDefault);
