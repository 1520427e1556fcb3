namespace NetnsPolicy.Sdk;

/// <summary>Passed once per batch, before the cleanup worker takes the setup lock.</summary>
/// <remarks>A read-only view the host builds; only the host constructs it, so later SDK minors can add properties without
/// breaking plugins built against earlier ones (docs/policy-authoring.md, "SDK versions").</remarks>
public readonly struct LockScopeContext
{
    internal LockScopeContext(IKernelState state, int batchSize, LockScope kernelDefault)
    {
        State = state;
        BatchSize = batchSize;
        KernelDefault = kernelDefault;
    }

    /// <summary>The kernel at this moment.</summary>
    public IKernelState State { get; }

    /// <summary>Nets in this batch.</summary>
    public int BatchSize { get; }

    /// <summary>The era's own scope.</summary>
    public LockScope KernelDefault { get; }
}
