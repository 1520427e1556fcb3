using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NetnsPolicy.Calibration;

/// <summary>
/// The host's normal RCU grace period, timed from user space: <c>membarrier(MEMBARRIER_CMD_GLOBAL)</c> is one
/// <c>synchronize_rcu()</c> on a machine with more than one online CPU (kernel/sched/membarrier.c,
/// <c>membarrier_global_expedited</c>'s older sibling: "if (num_online_cpus() > 1) synchronize_rcu();"). Timed on the
/// idle host between experiments, it measures the grace period's length with no CPU busy — the model's
/// <c>rcu.normal_gp_base_jiffies</c> — without fitting it (docs/calibration.md, thirteenth round).
/// </summary>
internal static class GracePeriodProbe
{
    /// <summary>
    /// <paramref name="samples"/> timed calls, <paramref name="gap"/> apart (so one does not start while the previous
    /// grace period's callbacks run), in ms; null with the reason when the kernel has no usable membarrier.
    /// </summary>
    public static IReadOnlyList<double>? Measure(int samples, TimeSpan gap, CancellationToken token, out string? why)
    {
        why = null;
        var nr = Native.MembarrierNumber;
        if (nr < 0)
        {
            why = $"membarrier's system call number is not known on {RuntimeInformation.ProcessArchitecture}";
            return null;
        }

        var mask = Native.syscall(nr, Native.MembarrierCmdQuery, 0, 0);
        if (mask < 0 || (mask & Native.MembarrierCmdGlobal) == 0)
        {
            why = mask < 0 ? $"membarrier(MEMBARRIER_CMD_QUERY) failed: {Marshal.GetLastPInvokeErrorMessage()}" : "membarrier has no MEMBARRIER_CMD_GLOBAL here (nohz_full?)";
            return null;
        }

        var ms = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            token.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            if (Native.syscall(nr, Native.MembarrierCmdGlobal, 0, 0) < 0)
            {
                why = $"membarrier(MEMBARRIER_CMD_GLOBAL) failed: {Marshal.GetLastPInvokeErrorMessage()}";
                return null;
            }

            ms.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Thread.Sleep(gap);
        }

        return ms;
    }
}
