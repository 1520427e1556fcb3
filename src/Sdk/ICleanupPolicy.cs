namespace NetnsPolicy.Sdk;

/// <summary>
/// A netns teardown policy. Every decision method has the kernel era's own behaviour as its default, so a policy
/// implements only the points it lists in <see cref="PolicyDescriptor.Overrides"/>; the simulation never asks it
/// about the others.
/// </summary>
/// <remarks>
/// <para>The host creates one instance per run and calls it from a single thread, so instance state needs no
/// locking and is private to the run. Decisions must be deterministic functions of the arguments and the
/// instance's own state: no clocks, threads, I/O or unseeded randomness (the plugin host rejects code that
/// references them).</para>
/// <para>A decision is checked against the kernel's correctness rules (KERNEL-MODEL.md §8); a policy that breaks
/// one is disqualified, and one that throws or returns an impossible value fails its run as a policy fault.</para>
/// </remarks>
public interface ICleanupPolicy
{
    /// <summary>What this policy is, which points it overrides and which parameters it takes.</summary>
    PolicyDescriptor Descriptor { get; }

    /// <summary>Receives the run's validated parameter values before the first decision.</summary>
    void Configure(PolicyParameters parameters)
    {
    }

    /// <summary>Batch admission: how many queued nets this <c>cleanup_net</c> run tears down.</summary>
    BatchAdmission AdmitBatch(in BatchAdmissionContext context) => context.KernelDefault;

    /// <summary>
    /// Lock scope. Asked once at run start (<see cref="LockScopeContext.BatchSize"/> 0) to fix the mode both setup
    /// and cleanup use, then once per batch for how long the cleanup worker holds it; a batch's mode must equal the
    /// run's.
    /// </summary>
    LockScope ChooseLockScope(in LockScopeContext context) => context.KernelDefault;

    /// <summary>Uevent emission: whether this kobject's uevent is sent.</summary>
    UeventEmission ChooseUeventEmission(in UeventContext context) => context.EmissionDefault;

    /// <summary>Uevent delivery: which sockets a sent uevent visits.</summary>
    UeventDelivery ChooseUeventDelivery(in UeventContext context) => context.DeliveryDefault;

    /// <summary>Grace periods: how this synchronize site waits.</summary>
    GracePeriodMode ChooseGracePeriod(in GracePeriodContext context) => context.KernelDefault;

    /// <summary>Device-unregister grouping for one driver in one batch.</summary>
    UnregisterGrouping ChooseUnregisterGrouping(in UnregisterContext context) => context.KernelDefault;

    /// <summary>RTNL scope for one unregister round.</summary>
    RtnlScope ChooseRtnlScope(in RtnlContext context) => context.KernelDefault;
}
