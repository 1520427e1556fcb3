using NetnsPolicy.Sdk;

namespace NetnsPolicy.Simulation.Tests;

/// <summary>Small policies for engine tests (the shipped strategies are plugins, tested in tests/Policies.Tests).</summary>
internal static class TestPolicies
{
    public static ICleanupPolicy SkipDyingUevents() => new Delegating(DecisionPoint.UeventEmission)
    {
        Emission = c => c.OwnerNetDying && c.Action == UeventAction.Remove ? UeventEmission.Suppress : UeventEmission.Send,
    };

    public static ICleanupPolicy Batch(int size) => new Delegating(DecisionPoint.BatchAdmission)
    {
        Admit = c => new BatchAdmission(Math.Min(size, c.Queued), true),
    };

    public static ICleanupPolicy SharedLock() => new Delegating(DecisionPoint.LockScope)
    {
        Scope = c => c.KernelDefault with { Mode = LockMode.Shared },
    };

    public static ICleanupPolicy SharedLockSkippingDyingUevents() => new Delegating(DecisionPoint.LockScope | DecisionPoint.UeventEmission)
    {
        Scope = c => c.KernelDefault with { Mode = LockMode.Shared },
        Emission = c => c.OwnerNetDying && c.Action == UeventAction.Remove ? UeventEmission.Suppress : UeventEmission.Send,
    };

    /// <summary>Broken: never waits for a grace period.</summary>
    public static ICleanupPolicy SkipGracePeriods() => new Delegating(DecisionPoint.GracePeriod) { Grace = _ => GracePeriodMode.Skip };

    /// <summary>Broken: suppresses every removal uevent, also those of live netns devices (veth peers in the host).</summary>
    public static ICleanupPolicy SuppressAllRemovals() => new Delegating(DecisionPoint.UeventEmission)
    {
        Emission = c => c.Action == UeventAction.Remove ? UeventEmission.Suppress : UeventEmission.Send,
    };

    /// <summary>Broken: takes one net and forgets to re-queue the work for the rest.</summary>
    public static ICleanupPolicy TakeOneNoRequeue() => new Delegating(DecisionPoint.BatchAdmission) { Admit = _ => new BatchAdmission(1, false) };

    /// <summary>Broken: drops net_mutex between every exit op under the exclusive lock.</summary>
    public static ICleanupPolicy ReleaseMidBatch() => new Delegating(DecisionPoint.LockScope) { Scope = c => c.KernelDefault with { ReleaseEveryOps = 1 } };

    public static ICleanupPolicy Throwing() => new Delegating(DecisionPoint.BatchAdmission) { Admit = _ => throw new InvalidOperationException("boom") };

    public static ICleanupPolicy Impossible() => new Delegating(DecisionPoint.BatchAdmission) { Admit = _ => new BatchAdmission(0, false) };

    public static ICleanupPolicy Overlap() => new Delegating(DecisionPoint.GracePeriod)
    {
        Grace = c => c.Site is SyncSite.CleanupNetUnlink or SyncSite.PernetExit ? GracePeriodMode.Overlapped : c.KernelDefault,
    };

    internal sealed class Delegating(DecisionPoint points) : ICleanupPolicy
    {
        public PolicyDescriptor Descriptor { get; } = new("test-" + points.ToString().ToLowerInvariant(), new Version(1, 0), "test policy", points);

        public Func<BatchAdmissionContext, BatchAdmission>? Admit { get; init; }

        public Func<LockScopeContext, LockScope>? Scope { get; init; }

        public Func<UeventContext, UeventEmission>? Emission { get; init; }

        public Func<GracePeriodContext, GracePeriodMode>? Grace { get; init; }

        public BatchAdmission AdmitBatch(in BatchAdmissionContext context) => Admit!(context);

        public LockScope ChooseLockScope(in LockScopeContext context) => Scope!(context);

        public UeventEmission ChooseUeventEmission(in UeventContext context) => Emission!(context);

        public GracePeriodMode ChooseGracePeriod(in GracePeriodContext context) => Grace!(context);
    }
}
