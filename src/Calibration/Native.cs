using System.Runtime.InteropServices;

namespace NetnsPolicy.Calibration;

/// <summary>The few Linux system calls the probe needs. Network namespaces are per thread: unshare/setns move the calling thread only.</summary>
internal static partial class Native
{
    public const int CloneNewNet = 0x40000000;
    public const int MntDetach = 2;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int unshare(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setns(int fd, int nstype);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);

    public const int SigInt = 2;

    /// <summary>CLOCK_THREAD_CPUTIME_ID: the calling thread's CPU time, brought up to date on read (task_sched_runtime).</summary>
    public const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int clock_gettime(int clock, out Timespec ts);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint pread(int fd, byte* buf, nint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int sig);

    public static void Check(int rc, string what)
    {
        if (rc < 0)
        {
            throw new ProbeException($"{what} failed: {Marshal.GetLastPInvokeErrorMessage()} (errno {Marshal.GetLastPInvokeError()})");
        }
    }
}
