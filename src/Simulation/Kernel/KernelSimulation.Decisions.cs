using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// Every call into the policy: only for the points it declares, counted (asked / answered differently from the
/// kernel), validated, and contained — an exception or an impossible answer ends the run as a policy fault.
/// </summary>
internal sealed partial class KernelSimulation
{
    private string? _policyFault;

    private void ConfigurePolicy()
    {
        try
        {
            _policy.Configure(_request.Parameters);
        }
        catch (Exception e)
        {
            throw Fault("Configure", e);
        }
    }

    private BatchAdmission DecideBatch(int queued)
    {
        var kernel = BatchAdmission.All(queued);
        if ((_overrides & DecisionPoint.BatchAdmission) == 0)
        {
            return kernel;
        }

        BatchAdmission answer;
        try
        {
            answer = _policy.AdmitBatch(new BatchAdmissionContext(this, queued, kernel));
        }
        catch (Exception e)
        {
            throw Fault(nameof(ICleanupPolicy.AdmitBatch), e);
        }

        if (answer.Take < 1 || answer.Take > queued)
        {
            throw Invalid(nameof(ICleanupPolicy.AdmitBatch), $"Take must be within 1..{queued} (the nets on cleanup_list), got {answer.Take}");
        }

        _decisions.Count(DecisionPoint.BatchAdmission, answer != kernel);
        return answer;
    }

    private LockScope DecideLockScope(int batchSize, LockScope kernel)
    {
        if ((_overrides & DecisionPoint.LockScope) == 0)
        {
            return kernel;
        }

        LockScope answer;
        try
        {
            answer = _policy.ChooseLockScope(new LockScopeContext(this, batchSize, kernel));
        }
        catch (Exception e)
        {
            throw Fault(nameof(ICleanupPolicy.ChooseLockScope), e);
        }

        if (!Enum.IsDefined(answer.Mode) || answer.ReleaseEveryOps < 0)
        {
            throw Invalid(nameof(ICleanupPolicy.ChooseLockScope), $"invalid scope {answer}");
        }

        if (batchSize > 0 && answer.Mode != kernel.Mode)
        {
            throw Invalid(nameof(ICleanupPolicy.ChooseLockScope), $"a batch may not change the run's lock mode ({kernel.Mode}) to {answer.Mode}");
        }

        _decisions.Count(DecisionPoint.LockScope, batchSize == 0 ? answer.Mode != _locks.SetupMode : answer != kernel);
        return answer;
    }

    private UeventEmission DecideEmission(in UeventContext ctx) =>
        AskEnum(DecisionPoint.UeventEmission, ctx, ctx.EmissionDefault, nameof(ICleanupPolicy.ChooseUeventEmission), static (p, in c) => p.ChooseUeventEmission(c));

    private UeventDelivery DecideDelivery(in UeventContext ctx) =>
        AskEnum(DecisionPoint.UeventDelivery, ctx, ctx.DeliveryDefault, nameof(ICleanupPolicy.ChooseUeventDelivery), static (p, in c) => p.ChooseUeventDelivery(c));

    private GracePeriodMode DecideGracePeriod(SyncSite site, string op, bool rtnlHeld, GracePeriodMode kernel)
    {
        var answer = AskEnum(DecisionPoint.GracePeriod, new GracePeriodContext(this, site, op, rtnlHeld, kernel), kernel, nameof(ICleanupPolicy.ChooseGracePeriod), static (p, in c) => p.ChooseGracePeriod(c));
        if (answer == GracePeriodMode.Overlapped)
        {
            _decisions.Overlapped++;
        }
        else if (answer == GracePeriodMode.Skip)
        {
            _decisions.Skipped++;
        }

        return answer;
    }

    private UnregisterGrouping DecideGrouping(string op, int batchSize, UnregisterGrouping kernel) =>
        AskEnum(DecisionPoint.UnregisterGrouping, new UnregisterContext(this, op, batchSize, kernel), kernel, nameof(ICleanupPolicy.ChooseUnregisterGrouping), static (p, in c) => p.ChooseUnregisterGrouping(c));

    private RtnlScope DecideRtnlScope(int devices, RtnlScope kernel) =>
        AskEnum(DecisionPoint.RtnlScope, new RtnlContext(this, devices, kernel), kernel, nameof(ICleanupPolicy.ChooseRtnlScope), static (p, in c) => p.ChooseRtnlScope(c));

    private delegate T PolicyCall<TContext, T>(ICleanupPolicy policy, in TContext context);

    /// <summary>One enum-valued decision: asked only when overridden, contained, validated, counted.</summary>
    private T AskEnum<TContext, T>(DecisionPoint point, in TContext context, T kernel, string method, PolicyCall<TContext, T> call)
        where T : struct, Enum
    {
        if ((_overrides & point) == 0)
        {
            return kernel;
        }

        T answer;
        try
        {
            answer = call(_policy, context);
        }
        catch (Exception e)
        {
            throw Fault(method, e);
        }

        if (!Enum.IsDefined(answer))
        {
            throw Invalid(method, $"undefined value {answer}");
        }

        _decisions.Count(point, !EqualityComparer<T>.Default.Equals(answer, kernel));
        return answer;
    }

    private PolicyFaultException Fault(string method, Exception e)
    {
        _policyFault = $"policy '{_policy.Descriptor.Id}' threw {e.GetType().Name} in {method} at t={_s.Now / 1e6:F3} ms: {e.Message}";
        _s.Halted = true;
        return new PolicyFaultException(_policyFault, e);
    }

    private PolicyFaultException Invalid(string method, string why)
    {
        _policyFault = $"policy '{_policy.Descriptor.Id}' returned an impossible answer from {method} at t={_s.Now / 1e6:F3} ms: {why}";
        _s.Halted = true;
        return new PolicyFaultException(_policyFault, null);
    }

    private void OnSetupLockGranted(KThread t, bool write)
    {
        // Exclusion oracle (§8): under the exclusive lock, setup never overlaps a teardown batch.
        if (_lockMode == LockMode.Exclusive && _teardownInProgress && t.Name != "kworker/u:netns")
        {
            Violation(OracleRule.Exclusion, t.Name, "setup_net took net_mutex while a cleanup_net batch was still tearing down");
        }
    }
}

/// <summary>A policy threw or answered the impossible; the run ends with status policy-fault.</summary>
internal sealed class PolicyFaultException(string message, Exception? inner) : Exception(message, inner);
