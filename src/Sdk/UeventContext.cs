namespace NetnsPolicy.Sdk;

/// <summary>Passed for each kobject uevent of a net device.</summary>
/// <remarks>A read-only view the host builds; only the host constructs it, so later SDK minors can add properties without
/// breaking plugins built against earlier ones (docs/policy-authoring.md, "SDK versions").</remarks>
public readonly struct UeventContext
{
    internal UeventContext(IKernelState state, DeviceKind device, KobjectKind kobject, UeventAction action, int ownerNetId, bool ownerNetDying, UeventEmission emissionDefault, UeventDelivery deliveryDefault)
    {
        State = state;
        Device = device;
        Kobject = kobject;
        Action = action;
        OwnerNetId = ownerNetId;
        OwnerNetDying = ownerNetDying;
        EmissionDefault = emissionDefault;
        DeliveryDefault = deliveryDefault;
    }

    /// <summary>The kernel at this moment.</summary>
    public IKernelState State { get; }

    /// <summary>The kind of device.</summary>
    public DeviceKind Device { get; }

    /// <summary>Which kobject of the device.</summary>
    public KobjectKind Kobject { get; }

    /// <summary>Add or remove.</summary>
    public UeventAction Action { get; }

    /// <summary>Id of the netns the device lives in (0 is the init netns).</summary>
    public int OwnerNetId { get; }

    /// <summary>Whether that netns is being torn down. Only then may the uevent be suppressed.</summary>
    public bool OwnerNetDying { get; }

    /// <summary>Whether the era's kernel sends it.</summary>
    public UeventEmission EmissionDefault { get; }

    /// <summary>How the era's kernel delivers it.</summary>
    public UeventDelivery DeliveryDefault { get; }
}
