using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// Every call into the policy: only for the points it declares, counted (asked / answered differently from the
/// kernel), validated, and contained — an exception or an impossible answer ends the run as a policy fault.
/// </summary>
internal sealed class PolicyGate
{
    private readonly IKernelState _state;
    private readonly ICleanupPolicy _policy;
    private readonly DecisionPoint _overrides;
    private readonly Scheduler _s;
    private readonly KernelLocks _locks;

    public PolicyGate(IKernelState state, ICleanupPolicy policy, Scheduler s, KernelLocks locks)
    {
        _state = state;
        _policy = policy;
        _overrides = policy.Descriptor.Overrides;
        _s = s;
        _locks = locks;
    }

    /// <summary>The read-only view of the kernel the policy's contexts carry.</summary>
    public IKernelState State => _state;

    /// <summary>The decision points the policy declares.</summary>
    public DecisionPoint Overrides => _overrides;

    public DecisionCounters Counters { get; } = new();

    /// <summary>Why the run ended as a policy fault, or null.</summary>
    public string? Fault { get; private set; }

    public void Configure(PolicyParameters parameters)
    {
        try
        {
            _policy.Configure(parameters);
        }
        catch (Exception e)
        {
            throw Faulted("Configure", e);
        }
    }

    public BatchAdmission DecideBatch(int queued)
    {
        var kernel = BatchAdmission.All(queued);
        if ((_overrides & DecisionPoint.BatchAdmission) == 0)
        {
            return kernel;
        }

        BatchAdmission answer;
        try
        {
            answer = _policy.AdmitBatch(new BatchAdmissionContext(_state, queued, kernel));
        }
        catch (Exception e)
        {
            throw Faulted(nameof(ICleanupPolicy.AdmitBatch), e);
        }

        if (answer.Take < 1 || answer.Take > queued)
        {
            throw Invalid(nameof(ICleanupPolicy.AdmitBatch), $"Take must be within 1..{queued} (the nets on cleanup_list), got {answer.Take}");
        }

        Counters.Count(DecisionPoint.BatchAdmission, answer != kernel);
        return answer;
    }

    public LockScope DecideLockScope(int batchSize, LockScope kernel)
    {
        if ((_overrides & DecisionPoint.LockScope) == 0)
        {
            return kernel;
        }

        LockScope answer;
        try
        {
            answer = _policy.ChooseLockScope(new LockScopeContext(_state, batchSize, kernel));
        }
        catch (Exception e)
        {
            throw Faulted(nameof(ICleanupPolicy.ChooseLockScope), e);
        }

        if (!Enum.IsDefined(answer.Mode) || answer.ReleaseEveryOps < 0)
        {
            throw Invalid(nameof(ICleanupPolicy.ChooseLockScope), $"invalid scope {answer}");
        }

        if (batchSize > 0 && answer.Mode != kernel.Mode)
        {
            throw Invalid(nameof(ICleanupPolicy.ChooseLockScope), $"a batch may not change the run's lock mode ({kernel.Mode}) to {answer.Mode}");
        }

        Counters.Count(DecisionPoint.LockScope, batchSize == 0 ? answer.Mode != _locks.SetupMode : answer != kernel);
        return answer;
    }

    public UeventEmission DecideEmission(in UeventContext ctx) =>
        !Asks(DecisionPoint.UeventEmission) ? ctx.EmissionDefault : AskEnum(DecisionPoint.UeventEmission, ctx, ctx.EmissionDefault, nameof(ICleanupPolicy.ChooseUeventEmission), static (p, in c) => p.ChooseUeventEmission(c));

    public UeventDelivery DecideDelivery(in UeventContext ctx) =>
        !Asks(DecisionPoint.UeventDelivery) ? ctx.DeliveryDefault : AskEnum(DecisionPoint.UeventDelivery, ctx, ctx.DeliveryDefault, nameof(ICleanupPolicy.ChooseUeventDelivery), static (p, in c) => p.ChooseUeventDelivery(c));

    public GracePeriodMode DecideGracePeriod(SyncSite site, string op, bool rtnlHeld, GracePeriodMode kernel)
    {
        var answer = !Asks(DecisionPoint.GracePeriod) ? kernel : AskEnum(DecisionPoint.GracePeriod, new GracePeriodContext(_state, site, op, rtnlHeld, kernel), kernel, nameof(ICleanupPolicy.ChooseGracePeriod), static (p, in c) => p.ChooseGracePeriod(c));
        if (answer == GracePeriodMode.Overlapped)
        {
            Counters.Overlapped++;
        }
        else if (answer == GracePeriodMode.Skip)
        {
            Counters.Skipped++;
        }

        return answer;
    }

    public UnregisterGrouping DecideGrouping(string op, int batchSize, UnregisterGrouping kernel) =>
        !Asks(DecisionPoint.UnregisterGrouping) ? kernel : AskEnum(DecisionPoint.UnregisterGrouping, new UnregisterContext(_state, op, batchSize, kernel), kernel, nameof(ICleanupPolicy.ChooseUnregisterGrouping), static (p, in c) => p.ChooseUnregisterGrouping(c));

    public RtnlScope DecideRtnlScope(int devices, RtnlScope kernel) =>
        !Asks(DecisionPoint.RtnlScope) ? kernel : AskEnum(DecisionPoint.RtnlScope, new RtnlContext(_state, devices, kernel), kernel, nameof(ICleanupPolicy.ChooseRtnlScope), static (p, in c) => p.ChooseRtnlScope(c));

    private delegate T PolicyCall<TContext, T>(ICleanupPolicy policy, in TContext context);

    /// <summary>
    /// Whether the policy overrides <paramref name="point"/>; checked before <see cref="AskEnum"/> is called (and its
    /// context built), so a run that never asks never JIT-compiles it: its instantiations over the SDK's context structs
    /// are outside this assembly's ReadyToRun code (docs/benchmarks.md, "Issue 16, sixth round").
    /// </summary>
    private bool Asks(DecisionPoint point) => (_overrides & point) != 0;

    /// <summary>One enum-valued decision, overridden (<see cref="Asks"/>): contained, validated, counted.</summary>
    private T AskEnum<TContext, T>(DecisionPoint point, in TContext context, T kernel, string method, PolicyCall<TContext, T> call)
        where T : struct, Enum
    {
        T answer;
        try
        {
            answer = call(_policy, context);
        }
        catch (Exception e)
        {
            throw Faulted(method, e);
        }

        if (!Enum.IsDefined(answer))
        {
            throw Invalid(method, $"undefined value {answer}");
        }

        Counters.Count(point, !EqualityComparer<T>.Default.Equals(answer, kernel));
        return answer;
    }

    private PolicyFaultException Faulted(string method, Exception e)
    {
        Fault = $"policy '{_policy.Descriptor.Id}' threw {e.GetType().Name} in {method} at t={_s.Now / 1e6:F3} ms: {e.Message}";
        _s.Halted = true;
        return new PolicyFaultException(Fault, e);
    }

    private PolicyFaultException Invalid(string method, string why)
    {
        Fault = $"policy '{_policy.Descriptor.Id}' returned an impossible answer from {method} at t={_s.Now / 1e6:F3} ms: {why}";
        _s.Halted = true;
        return new PolicyFaultException(Fault, null);
    }
}
