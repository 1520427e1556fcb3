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
