using System.Diagnostics;
using System.Globalization;

namespace NetnsPolicy.PluginHost.Containment;

/// <summary>
/// Measures one decision call at a time on the run's thread and publishes, for the watchdog on another thread, which
/// decision is in progress and since when. The thread's CPU clock (a system call, <see cref="ThreadCpuClock"/>) is read
/// on entry, and on return only when the call took more than half the CPU budget in wall time: a thread cannot use
/// more CPU time in an interval than the interval lasts, so a shorter call is within budget without the second read
/// (the half is margin for the two clocks' different sources). Most decisions take microseconds.
/// </summary>
internal sealed class DecisionMeter(ContainmentOptions options)
{
    private long _enteredAtTimestamp;
    private string? _current;
    private long _cpuStart;
    private long _wallStart;
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
            throw new PolicyContainmentException("called after the watchdog had abandoned the run");
        }

        _allocStart = GC.GetAllocatedBytesForCurrentThread();
        _cpuStart = ThreadCpuClock.NowNs();
        Volatile.Write(ref _current, decision);
        _wallStart = Stopwatch.GetTimestamp();
        Volatile.Write(ref _enteredAtTimestamp, _wallStart);
    }

    public void Exit()
    {
        var budgetNs = options.DecisionCpu.Ticks * 100;
        var wallNs = (long)(Stopwatch.GetElapsedTime(_wallStart).Ticks * 100.0);
        var cpu = 2 * wallNs <= budgetNs ? 0 : ThreadCpuClock.NowNs() - _cpuStart;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - _allocStart;
        var decision = _current;
        Leave();
        if (_abandoned)
        {
            throw new PolicyContainmentException($"returned from {decision} after the watchdog had abandoned the run");
        }

        if (cpu > budgetNs)
        {
            throw new PolicyContainmentException(string.Create(CultureInfo.InvariantCulture,
                $"per-decision budget exceeded: {cpu / 1e6:F1} ms of {(ThreadCpuClock.IsCpuTime ? "CPU" : "wall")} time in one {decision} call (budget {options.DecisionCpu.TotalMilliseconds:0.###} ms)"));
        }

        if (allocated > options.DecisionAllocatedBytes)
        {
            throw new PolicyContainmentException(string.Create(CultureInfo.InvariantCulture,
                $"per-decision budget exceeded: {allocated / 1048576.0:F1} MiB allocated in one {decision} call (budget {options.DecisionAllocatedBytes / 1048576.0:0.###} MiB)"));
        }
    }

    /// <summary>Ends a call that threw; the exception goes on to the engine unchanged (it names the decision).</summary>
    public void Leave()
    {
        Volatile.Write(ref _enteredAtTimestamp, 0);
        Volatile.Write(ref _current, null);
    }
}
