using System.Diagnostics;
using System.Globalization;

namespace NetnsPolicy.PluginHost.Containment;

/// <summary>
/// Measures one decision call at a time on the run's thread and publishes, for the watchdog on another thread, which
/// decision is in progress and since when.
/// </summary>
internal sealed class DecisionMeter(string policyId, ContainmentOptions options)
{
    private long _enteredAtTimestamp;
    private string? _current;
    private long _cpuStart;
    private long _allocStart;
    private volatile bool _abandoned;

    /// <summary>Set by the watchdog when it gave up on the run: the next call faults instead of going on.</summary>
    public void Abandon() => _abandoned = true;

    /// <summary>The decision in progress and how long it has run (wall), or null between calls.</summary>
    public (string Decision, TimeSpan Elapsed)? InProgress()
    {
        var current = Volatile.Read(ref _current);
        var since = Volatile.Read(ref _enteredAtTimestamp);
        return current is null || since == 0 ? null : (current, Stopwatch.GetElapsedTime(since));
    }

    public void Enter(string decision)
    {
        if (_abandoned)
        {
            throw new PolicyFaultException($"policy '{policyId}': the run was abandoned by the watchdog");
        }

        _allocStart = GC.GetAllocatedBytesForCurrentThread();
        _cpuStart = ThreadCpuClock.NowNs();
        Volatile.Write(ref _current, decision);
        Volatile.Write(ref _enteredAtTimestamp, Stopwatch.GetTimestamp());
    }

    public void Exit()
    {
        var cpu = ThreadCpuClock.NowNs() - _cpuStart;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - _allocStart;
        var decision = _current;
        Leave();
        if (_abandoned)
        {
            throw new PolicyFaultException($"policy '{policyId}' returned from {decision} after the watchdog abandoned the run");
        }

        if (cpu > options.DecisionCpu.Ticks * 100)
        {
            throw new PolicyFaultException(string.Create(CultureInfo.InvariantCulture,
                $"policy '{policyId}' exceeded its per-decision budget in {decision}: {cpu / 1e6:F1} ms of {(ThreadCpuClock.IsCpuTime ? "CPU" : "wall")} time (budget {options.DecisionCpu.TotalMilliseconds:0.###} ms)"));
        }

        if (allocated > options.DecisionAllocatedBytes)
        {
            throw new PolicyFaultException(string.Create(CultureInfo.InvariantCulture,
                $"policy '{policyId}' exceeded its per-decision budget in {decision}: allocated {allocated / 1048576.0:F1} MiB (budget {options.DecisionAllocatedBytes / 1048576.0:0.###} MiB)"));
        }
    }

    /// <summary>Turns whatever a decision threw into a policy fault that names the policy and the decision.</summary>
    public PolicyFaultException Fault(Exception error)
    {
        var decision = _current;
        Leave();
        return error as PolicyFaultException
            ?? new PolicyFaultException($"policy '{policyId}' threw {error.GetType().FullName} in {decision}: {error.Message}", error);
    }

    private void Leave()
    {
        Volatile.Write(ref _enteredAtTimestamp, 0);
        Volatile.Write(ref _current, null);
    }
}
