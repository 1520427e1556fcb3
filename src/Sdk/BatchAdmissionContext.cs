namespace NetnsPolicy.Sdk;

/// <summary>Passed when the cleanup worker starts a run of <c>cleanup_net</c> and snapshots <c>cleanup_list</c>.</summary>
/// <remarks>A read-only view the host builds; only the host constructs it, so later SDK minors can add properties without
/// breaking plugins built against earlier ones (docs/policy-authoring.md, "SDK versions").</remarks>
public readonly struct BatchAdmissionContext
{
    internal BatchAdmissionContext(IKernelState state, int queued, BatchAdmission kernelDefault)
    {
        State = state;
        Queued = queued;
        KernelDefault = kernelDefault;
    }

    /// <summary>The kernel at this moment.</summary>
    public IKernelState State { get; }

    /// <summary>Nets on <c>cleanup_list</c> (at least 1).</summary>
    public int Queued { get; }

    /// <summary>What the era's kernel does: take them all.</summary>
    public BatchAdmission KernelDefault { get; }
}
