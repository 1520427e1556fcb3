namespace NetnsPolicy.Sdk;

/// <summary>Passed once per batch for each driver that unregisters devices in its exit path.</summary>
/// <remarks>A read-only view the host builds; only the host constructs it, so later SDK minors can add properties without
/// breaking plugins built against earlier ones (docs/policy-authoring.md, "SDK versions").</remarks>
public readonly struct UnregisterContext
{
    internal UnregisterContext(IKernelState state, string operation, int batchSize, UnregisterGrouping kernelDefault)
    {
        State = state;
        Operation = operation;
        BatchSize = batchSize;
        KernelDefault = kernelDefault;
    }

    /// <summary>The kernel at this moment.</summary>
    public IKernelState State { get; }

    /// <summary>The pernet operation (e.g. <c>sit_exit_net</c>).</summary>
    public string Operation { get; }

    /// <summary>Nets in the batch.</summary>
    public int BatchSize { get; }

    /// <summary>What the era's kernel does for this driver.</summary>
    public UnregisterGrouping KernelDefault { get; }
}
