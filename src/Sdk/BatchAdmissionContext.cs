namespace NetnsPolicy.Sdk;

/// <summary>Passed when the cleanup worker starts a run of <c>cleanup_net</c> and snapshots <c>cleanup_list</c>.</summary>
/// <param name="State">The kernel at this moment.</param>
/// <param name="Queued">Nets on <c>cleanup_list</c> (at least 1).</param>
/// <param name="KernelDefault">What the era's kernel does: take them all.</param>
public readonly record struct BatchAdmissionContext(IKernelState State, int Queued, BatchAdmission KernelDefault);
