using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NetnsPolicy.PluginHost.Containment;

/// <summary>
/// CPU time consumed by the calling thread, in nanoseconds: <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c> on Linux, so
/// a decision preempted by other work on a busy host is not charged for it. Elsewhere it falls back to wall time.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static bool IsCpuTime { get; } = OperatingSystem.IsLinux() && Probe();

    public static long NowNs()
    {
        if (IsCpuTime && ClockGetTime(ClockThreadCpuTimeId, out var ts) == 0)
        {
            return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
        }

        return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
    }

    private static bool Probe()
    {
        try
        {
            return ClockGetTime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out Timespec value);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
