using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Composition;

/// <summary>Calls one decision method of a policy.</summary>
public delegate TResult DecisionCall<TContext, TResult>(ICleanupPolicy policy, in TContext context)
    where TContext : struct;

/// <summary>The kernel's own answer to one decision, from its context.</summary>
public delegate TResult DecisionDefault<TContext, TResult>(in TContext context)
    where TContext : struct;

/// <summary>One decision of <see cref="ICleanupPolicy"/>: its point, its method's name, how to ask a policy and the kernel's default.</summary>
/// <typeparam name="TContext">The decision's context.</typeparam>
/// <typeparam name="TResult">The decision's answer.</typeparam>
public sealed class Decision<TContext, TResult>
    where TContext : struct
{
    private readonly DecisionCall<TContext, TResult> _call;
    private readonly DecisionDefault<TContext, TResult> _kernelDefault;

    internal Decision(DecisionPoint point, string method, DecisionCall<TContext, TResult> call, DecisionDefault<TContext, TResult> kernelDefault)
    {
        Point = point;
        Method = method;
        _call = call;
        _kernelDefault = kernelDefault;
    }

    /// <summary>The decision point.</summary>
    public DecisionPoint Point { get; }

    /// <summary>The <see cref="ICleanupPolicy"/> method (as named in faults and budgets).</summary>
    public string Method { get; }

    /// <summary>Asks <paramref name="policy"/>.</summary>
    public TResult Call(ICleanupPolicy policy, in TContext context) => _call(policy, in context);

    /// <summary>The kernel's own answer.</summary>
    public TResult KernelDefault(in TContext context) => _kernelDefault(in context);
}

/// <summary>The seven decisions, once: every wrapper of a policy dispatches through these.</summary>
public static class Decisions
{
    public static Decision<BatchAdmissionContext, BatchAdmission> BatchAdmission { get; } = new(
        DecisionPoint.BatchAdmission, nameof(ICleanupPolicy.AdmitBatch), static (ICleanupPolicy p, in BatchAdmissionContext c) => p.AdmitBatch(in c), static (in BatchAdmissionContext c) => c.KernelDefault);

    public static Decision<LockScopeContext, LockScope> LockScope { get; } = new(
        DecisionPoint.LockScope, nameof(ICleanupPolicy.ChooseLockScope), static (ICleanupPolicy p, in LockScopeContext c) => p.ChooseLockScope(in c), static (in LockScopeContext c) => c.KernelDefault);

    public static Decision<UeventContext, UeventEmission> UeventEmission { get; } = new(
        DecisionPoint.UeventEmission, nameof(ICleanupPolicy.ChooseUeventEmission), static (ICleanupPolicy p, in UeventContext c) => p.ChooseUeventEmission(in c), static (in UeventContext c) => c.EmissionDefault);

    public static Decision<UeventContext, UeventDelivery> UeventDelivery { get; } = new(
        DecisionPoint.UeventDelivery, nameof(ICleanupPolicy.ChooseUeventDelivery), static (ICleanupPolicy p, in UeventContext c) => p.ChooseUeventDelivery(in c), static (in UeventContext c) => c.DeliveryDefault);

    public static Decision<GracePeriodContext, GracePeriodMode> GracePeriod { get; } = new(
        DecisionPoint.GracePeriod, nameof(ICleanupPolicy.ChooseGracePeriod), static (ICleanupPolicy p, in GracePeriodContext c) => p.ChooseGracePeriod(in c), static (in GracePeriodContext c) => c.KernelDefault);

    public static Decision<UnregisterContext, UnregisterGrouping> UnregisterGrouping { get; } = new(
        DecisionPoint.UnregisterGrouping, nameof(ICleanupPolicy.ChooseUnregisterGrouping), static (ICleanupPolicy p, in UnregisterContext c) => p.ChooseUnregisterGrouping(in c), static (in UnregisterContext c) => c.KernelDefault);

    public static Decision<RtnlContext, RtnlScope> RtnlScope { get; } = new(
        DecisionPoint.RtnlScope, nameof(ICleanupPolicy.ChooseRtnlScope), static (ICleanupPolicy p, in RtnlContext c) => p.ChooseRtnlScope(in c), static (in RtnlContext c) => c.KernelDefault);
}

/// <summary>
/// A policy that wraps others (a guard, a stack, a lazily created plugin instance, a sandbox stand-in): every
/// decision reaches <see cref="Dispatch{TContext, TResult}"/>, the one path, so a wrapper is written once, not seven times.
/// </summary>
public abstract class DispatchingPolicy : ICleanupPolicy
{
    public abstract PolicyDescriptor Descriptor { get; }

    public abstract void Configure(PolicyParameters parameters);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) => Dispatch(Decisions.BatchAdmission, in context);

    public LockScope ChooseLockScope(in LockScopeContext context) => Dispatch(Decisions.LockScope, in context);

    public UeventEmission ChooseUeventEmission(in UeventContext context) => Dispatch(Decisions.UeventEmission, in context);

    public UeventDelivery ChooseUeventDelivery(in UeventContext context) => Dispatch(Decisions.UeventDelivery, in context);

    public GracePeriodMode ChooseGracePeriod(in GracePeriodContext context) => Dispatch(Decisions.GracePeriod, in context);

    public UnregisterGrouping ChooseUnregisterGrouping(in UnregisterContext context) => Dispatch(Decisions.UnregisterGrouping, in context);

    public RtnlScope ChooseRtnlScope(in RtnlContext context) => Dispatch(Decisions.RtnlScope, in context);

    /// <summary>Answers <paramref name="decision"/> for <paramref name="context"/>.</summary>
    protected abstract TResult Dispatch<TContext, TResult>(Decision<TContext, TResult> decision, in TContext context)
        where TContext : struct;
}
