using NetnsPolicy.PluginHost.Composition;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Containment;

/// <summary>
/// Wraps a policy for one run: every call is measured against the per-decision budget, and the decision in progress
/// is visible to <see cref="PolicyRunner"/>'s watchdog. A plugin's own exception passes through unchanged; a budget overrun throws
/// <see cref="PolicyContainmentException"/>. The engine turns either into status <c>policy-fault</c>.
/// </summary>
public sealed class GuardedPolicy : DispatchingPolicy
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
    public override PolicyDescriptor Descriptor { get; }

    /// <summary>The decision in progress and its wall time so far, or null between calls.</summary>
    public (string Decision, TimeSpan Elapsed)? InProgress() => _meter.InProgress();

    /// <summary>Marks the run abandoned: any later call (or return) faults.</summary>
    public void Abandon() => _meter.Abandon();

    public override void Configure(PolicyParameters parameters)
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

    protected override TResult Dispatch<TContext, TResult>(Decision<TContext, TResult> decision, in TContext context)
    {
        _meter.Enter(decision.Method);
        TResult answer;
        try
        {
            answer = decision.Call(_inner, in context);
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
