namespace NetnsPolicy.Sdk;

/// <summary>Passed at the start of each <c>unregister_netdevice_many</c> round of the cleanup path.</summary>
/// <param name="State">The kernel at this moment.</param>
/// <param name="Devices">Devices in this round.</param>
/// <param name="KernelDefault">What the era's kernel does.</param>
public readonly record struct RtnlContext(IKernelState State, int Devices, RtnlScope KernelDefault);
