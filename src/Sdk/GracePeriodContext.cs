namespace NetnsPolicy.Sdk;

/// <summary>Passed at each synchronize site.</summary>
/// <remarks>A read-only view the host builds; only the host constructs it, so later SDK minors can add properties without
/// breaking plugins built against earlier ones (docs/policy-authoring.md, "SDK versions").</remarks>
public readonly struct GracePeriodContext
{
    internal GracePeriodContext(IKernelState state, SyncSite site, string operation, bool rtnlHeld, GracePeriodMode kernelDefault)
    {
        State = state;
        Site = site;
        Operation = operation;
        RtnlHeld = rtnlHeld;
        KernelDefault = kernelDefault;
    }

    /// <summary>The kernel at this moment.</summary>
    public IKernelState State { get; }

    /// <summary>Which site.</summary>
    public SyncSite Site { get; }

    /// <summary>The pernet operation's name at <see cref="SyncSite.PernetExit"/>, else empty.</summary>
    public string Operation { get; }

    /// <summary>Whether the caller holds RTNL (<c>synchronize_net</c> is expedited then).</summary>
    public bool RtnlHeld { get; }

    /// <summary>What the era's kernel does here.</summary>
    public GracePeriodMode KernelDefault { get; }
}
