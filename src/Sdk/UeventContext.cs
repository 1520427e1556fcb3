namespace NetnsPolicy.Sdk;

/// <summary>Passed for each kobject uevent of a net device.</summary>
/// <param name="State">The kernel at this moment.</param>
/// <param name="Device">The kind of device.</param>
/// <param name="Kobject">Which kobject of the device.</param>
/// <param name="Action">Add or remove.</param>
/// <param name="OwnerNetId">Id of the netns the device lives in (0 is the init netns).</param>
/// <param name="OwnerNetDying">Whether that netns is being torn down. Only then may the uevent be suppressed.</param>
/// <param name="EmissionDefault">Whether the era's kernel sends it.</param>
/// <param name="DeliveryDefault">How the era's kernel delivers it.</param>
public readonly record struct UeventContext(
    IKernelState State,
    DeviceKind Device,
    KobjectKind Kobject,
    UeventAction Action,
    int OwnerNetId,
    bool OwnerNetDying,
    UeventEmission EmissionDefault,
    UeventDelivery DeliveryDefault);
