namespace NetnsPolicy.Sdk;

/// <summary>Passed once per batch, before the cleanup worker takes the setup lock.</summary>
/// <param name="State">The kernel at this moment.</param>
/// <param name="BatchSize">Nets in this batch.</param>
/// <param name="KernelDefault">The era's own scope.</param>
public readonly record struct LockScopeContext(IKernelState State, int BatchSize, LockScope KernelDefault);
