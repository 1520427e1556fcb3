namespace NetnsPolicy.Sdk;

/// <summary>Passed at the start of each <c>unregister_netdevice_many</c> round of the cleanup path.</summary>
/// <remarks>A read-only view the host builds; only the host constructs it, so later SDK minors can add properties without
/// breaking plugins built against earlier ones (docs/policy-authoring.md, "SDK versions").</remarks>
public readonly struct RtnlContext
{
    internal RtnlContext(IKernelState state, int devices, RtnlScope kernelDefault)
    {
        State = state;
        Devices = devices;
        KernelDefault = kernelDefault;
    }

    /// <summary>The kernel at this moment.</summary>
    public IKernelState State { get; }

    /// <summary>Devices in this round.</summary>
    public int Devices { get; }

    /// <summary>What the era's kernel does.</summary>
    public RtnlScope KernelDefault { get; }
}
