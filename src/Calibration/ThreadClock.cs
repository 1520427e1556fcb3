using System.Diagnostics;

namespace NetnsPolicy.Calibration;

/// <summary>
/// Where one thread's time goes: its CPU time and its run-queue wait, so that of a stretch of wall time the rest is
/// time the thread slept (a lock, an RCU grace period, a wake-up from another thread). Opened on, and read only by,
/// the thread it measures.
/// </summary>
/// <remarks>
/// The run-queue wait is field 2 of <c>/proc/thread-self/schedstat</c> (fs/proc/base.c <c>proc_pid_schedstat</c>:
/// <c>sched_info.run_delay</c>, CONFIG_SCHED_INFO), added in kernel/sched/stats.h <c>sched_info_arrive</c> each time the
/// thread gets a CPU after waiting for one, so it is current whenever the thread itself reads it. Field 1,
/// <c>se.sum_exec_runtime</c>, is not: a running thread's runtime is only brought up to date by <c>update_curr</c>
/// (a tick, a sleep, a preemption), up to 1/HZ late; the CPU time comes from <c>CLOCK_THREAD_CPUTIME_ID</c> instead,
/// whose read runs kernel/sched/core.c <c>task_sched_runtime</c> (update_curr on the running task first).
/// </remarks>
internal sealed class ThreadClock : IDisposable
{
    private const int ORdOnly = 0;
    private readonly int _schedstat = Native.open("/proc/thread-self/schedstat", ORdOnly);

    /// <summary>Now: the monotonic clock (Stopwatch ticks), this thread's CPU ns and run-queue wait ns so far.</summary>
    public Reading Read()
    {
        var ticks = Stopwatch.GetTimestamp();
        Native.clock_gettime(Native.ClockThreadCpuTime, out var ts);
        return new Reading(ticks, (ts.Sec * 1_000_000_000) + ts.Nsec, RunDelayNs());
    }

    private unsafe long RunDelayNs()
    {
        if (_schedstat < 0)
        {
            return 0;
        }

        // "<sum_exec_runtime> <run_delay> <pcount>\n"; seq_file restarts at offset 0 on every pread.
        var buf = stackalloc byte[96];
        var n = (int)Native.pread(_schedstat, buf, 96, 0);
        long field = 0;
        var index = 0;
        for (var i = 0; i < n; i++)
        {
            var c = buf[i];
            if (c is (byte)' ' or (byte)'\n')
            {
                if (index == 1)
                {
                    return field;
                }

                index++;
                field = 0;
            }
            else
            {
                field = (field * 10) + (c - '0');
            }
        }

        return 0;
    }

    public void Dispose()
    {
        if (_schedstat >= 0)
        {
            Native.close(_schedstat);
        }
    }

    /// <summary>One reading of <see cref="ThreadClock"/>.</summary>
    internal readonly record struct Reading(long Ticks, long CpuNs, long RunQueueNs)
    {
        /// <summary>From this reading to <paramref name="end"/>, a later one of the same thread.</summary>
        public Stretch To(Reading end) => new(Ticks, Stopwatch.GetElapsedTime(Ticks, end.Ticks).TotalMilliseconds, (end.CpuNs - CpuNs) / 1e6, (end.RunQueueNs - RunQueueNs) / 1e6);
    }
}

/// <summary>
/// A stretch of one thread's time: when it started (Stopwatch ticks), its wall time, and of that the thread's CPU time
/// and its wait for a CPU; the rest (<see cref="BlockedMs"/>) it slept.
/// </summary>
internal readonly record struct Stretch(long StartTicks, double WallMs, double CpuMs, double RunQueueMs)
{
    public double BlockedMs => WallMs - CpuMs - RunQueueMs;

    /// <summary>This stretch less <paramref name="inner"/>, a part of it on the same thread.</summary>
    public Stretch Minus(Stretch inner) => new(StartTicks, WallMs - inner.WallMs, CpuMs - inner.CpuMs, RunQueueMs - inner.RunQueueMs);

    /// <summary>The start relative to <paramref name="referenceTicks"/>, in ms (negative before it).</summary>
    public double StartMsFrom(long referenceTicks) => (StartTicks - referenceTicks) * 1000.0 / Stopwatch.Frequency;
}
