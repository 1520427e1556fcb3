namespace NetnsPolicy.Sdk;

/// <summary>Passed once per batch for each driver that unregisters devices in its exit path.</summary>
/// <param name="State">The kernel at this moment.</param>
/// <param name="Operation">The pernet operation (e.g. <c>sit_exit_net</c>).</param>
/// <param name="BatchSize">Nets in the batch.</param>
/// <param name="KernelDefault">What the era's kernel does for this driver.</param>
public readonly record struct UnregisterContext(IKernelState State, string Operation, int BatchSize, UnregisterGrouping KernelDefault);
