using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Containment;

/// <summary>
/// Wraps a policy for one run: every call is measured against the per-decision budget, and the decision in progress
/// is visible to <see cref="PolicyRunner"/>'s watchdog. A plugin's own exception passes through unchanged; a budget overrun throws
/// <see cref="PolicyContainmentException"/>. The engine turns either into status <c>policy-fault</c>.
/// </summary>
public sealed class GuardedPolicy : ICleanupPolicy
{
    private readonly ICleanupPolicy _inner;
    private readonly DecisionMeter _meter;

    public GuardedPolicy(ICleanupPolicy inner, ContainmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        _inner = inner;
        Descriptor = inner.Descriptor;
        _meter = new DecisionMeter(options);
    }

    /// <summary>The wrapped policy's descriptor, read once.</summary>
    public PolicyDescriptor Descriptor { get; }

    /// <summary>The decision in progress and its wall time so far, or null between calls.</summary>
    public (string Decision, TimeSpan Elapsed)? InProgress() => _meter.InProgress();

    /// <summary>Marks the run abandoned: any later call (or return) faults.</summary>
    public void Abandon() => _meter.Abandon();

    public void Configure(PolicyParameters parameters)
    {
        _meter.Enter(nameof(Configure));
        try
        {
            _inner.Configure(parameters);
        }
        catch
        {
            _meter.Leave();
            throw;
        }

        _meter.Exit();
    }

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) =>
        Call(nameof(AdmitBatch), static (ICleanupPolicy p, in BatchAdmissionContext c) => p.AdmitBatch(in c), in context);

    public LockScope ChooseLockScope(in LockScopeContext context) =>
        Call(nameof(ChooseLockScope), static (ICleanupPolicy p, in LockScopeContext c) => p.ChooseLockScope(in c), in context);

    public UeventEmission ChooseUeventEmission(in UeventContext context) =>
        Call(nameof(ChooseUeventEmission), static (ICleanupPolicy p, in UeventContext c) => p.ChooseUeventEmission(in c), in context);

    public UeventDelivery ChooseUeventDelivery(in UeventContext context) =>
        Call(nameof(ChooseUeventDelivery), static (ICleanupPolicy p, in UeventContext c) => p.ChooseUeventDelivery(in c), in context);

    public GracePeriodMode ChooseGracePeriod(in GracePeriodContext context) =>
        Call(nameof(ChooseGracePeriod), static (ICleanupPolicy p, in GracePeriodContext c) => p.ChooseGracePeriod(in c), in context);

    public UnregisterGrouping ChooseUnregisterGrouping(in UnregisterContext context) =>
        Call(nameof(ChooseUnregisterGrouping), static (ICleanupPolicy p, in UnregisterContext c) => p.ChooseUnregisterGrouping(in c), in context);

    public RtnlScope ChooseRtnlScope(in RtnlContext context) =>
        Call(nameof(ChooseRtnlScope), static (ICleanupPolicy p, in RtnlContext c) => p.ChooseRtnlScope(in c), in context);

    private TResult Call<TContext, TResult>(string decision, Decide<TContext, TResult> decide, in TContext context)
        where TContext : struct
    {
        _meter.Enter(decision);
        TResult answer;
        try
        {
            answer = decide(_inner, in context);
        }
        catch
        {
            _meter.Leave();
            throw;
        }

        _meter.Exit();
        return answer;
    }
}
