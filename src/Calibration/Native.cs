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

    /// <summary>sysconf's _SC_CLK_TCK (2 in glibc's bits/confname.h): USER_HZ, the unit of /proc/stat's times.</summary>
    private const int ScClkTck = 2;

    [LibraryImport("libc", SetLastError = true)]
    private static partial long sysconf(int name);

    /// <summary>USER_HZ: /proc/stat's ticks per second (100 on x86 and arm64, include/asm-generic/param.h).</summary>
    public static int ClockTicks()
    {
        var t = sysconf(ScClkTck);
        return t > 0 ? (int)t : throw new ProbeException("sysconf(_SC_CLK_TCK) failed: the unit of /proc/stat is unknown");
    }

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

    /// <summary>
    /// membarrier(2) (kernel/sched/membarrier.c): <c>MEMBARRIER_CMD_GLOBAL</c> is <c>synchronize_rcu()</c> when more than
    /// one CPU is online (and -EINVAL with nohz_full). glibc has no wrapper; <c>syscall(2)</c> with the number of this
    /// architecture.
    /// </summary>
    public const long MembarrierCmdQuery = 0;
    public const long MembarrierCmdGlobal = 1;

    [LibraryImport("libc", SetLastError = true)]
    public static partial long syscall(long number, long a, long b, long c);

    /// <summary>__NR_membarrier: 324 on x86_64 (arch/x86/entry/syscalls/syscall_64.tbl), 283 on arm64 and riscv (the generic table); -1 elsewhere.</summary>
    public static long MembarrierNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 324,
        Architecture.Arm64 or Architecture.RiscV64 => 283,
        _ => -1,
    };

    public static void Check(int rc, string what)
    {
        if (rc < 0)
        {
            throw new ProbeException($"{what} failed: {Marshal.GetLastPInvokeErrorMessage()} (errno {Marshal.GetLastPInvokeError()})");
        }
    }
}

/// <summary>The rtnetlink system calls of <see cref="LinkMonitor"/>.</summary>
internal static partial class NativeNetlink
{
    public const int AfNetlink = 16;
    public const int SockRaw = 3;
    public const int SockCloexec = 0x80000;
    public const int NetlinkRoute = 0;
    /// <summary>RTMGRP_LINK: the multicast group of RTM_NEWLINK / RTM_DELLINK (include/uapi/linux/rtnetlink.h).</summary>
    public const uint RtmgrpLink = 1;
    public const int SolSocket = 1;
    /// <summary>SO_RCVBUFFORCE (root may exceed rmem_max).</summary>
    public const int SoRcvbufForce = 33;
    public const int MsgDontwait = 0x40;
    public const int Eagain = 11;
    public const int Enobufs = 105;

    [StructLayout(LayoutKind.Sequential)]
    public struct SockaddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint Pid;
        public uint Groups;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int bind(int fd, in SockaddrNl addr, int len);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setsockopt(int fd, int level, int name, in int value, int len);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint recv(int fd, byte* buf, nint len, int flags);
}
