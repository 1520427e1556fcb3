using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace NetnsPolicy.Calibration;

/// <summary>
/// Which links of the calling thread's netns were deleted, from rtnetlink's RTM_DELLINK multicast (RTMGRP_LINK),
/// drained without blocking. The burst probe's observer of the teardown (docs/calibration.md "perf shares, seventh
/// round"): until 2026-12-02 it stat-ed <c>/sys/class/net/&lt;peer&gt;</c> for every remaining peer every 1 ms, a
/// kernfs path walk whose <c>kernfs_dop_revalidate</c> / <c>kernfs_iop_lookup</c> take the kernfs root's
/// <c>kernfs_rwsem</c> for read (fs/kernfs/dir.c) while cleanup_net's <c>kernfs_remove_by_name_ns</c> takes it for
/// write for every sysfs node of every device: on the host 25–48 % of a 1000/2000-netns teardown's samples were that
/// contention. A notification costs the kernel nothing new: unregister_netdevice_many_notify builds the RTM_DELLINK
/// skb for every device anyway (net/core/dev.c, <c>rtmsg_ifinfo_build_skb</c>, sent by <c>rtmsg_ifinfo_send</c> right
/// after <c>netdev_unregister_kobject</c> — the instant the sysfs directory goes, which the old observer saw), and
/// with nobody blocked in recv() its delivery wakes no one (sk_data_ready finds an empty wait queue).
/// </summary>
internal sealed class LinkMonitor : IDisposable
{
    private const ushort RtmDellink = 17;
    private const ushort NlmsgDone = 3;
    private const ushort IflaIfname = 3;
    private const int NlmsgHeader = 16;
    private const int IfinfomsgSize = 16;

    /// <summary>Room for every notification of a 4000-netns teardown between two drains (≈ 2 KiB of skb each).</summary>
    private const int ReceiveBuffer = 16 << 20;

    private readonly int _fd;
    private readonly byte[] _buf = new byte[64 * 1024];

    public LinkMonitor()
    {
        _fd = NativeNetlink.socket(NativeNetlink.AfNetlink, NativeNetlink.SockRaw | NativeNetlink.SockCloexec, NativeNetlink.NetlinkRoute);
        Native.Check(_fd, "socket(AF_NETLINK, NETLINK_ROUTE)");
        try
        {
            Native.Check(NativeNetlink.setsockopt(_fd, NativeNetlink.SolSocket, NativeNetlink.SoRcvbufForce, ReceiveBuffer, sizeof(int)), "setsockopt(SO_RCVBUFFORCE)");
            var addr = new NativeNetlink.SockaddrNl { Family = NativeNetlink.AfNetlink, Groups = NativeNetlink.RtmgrpLink };
            Native.Check(NativeNetlink.bind(_fd, addr, Marshal.SizeOf<NativeNetlink.SockaddrNl>()), "bind(RTMGRP_LINK)");
        }
        catch
        {
            Native.close(_fd);
            throw;
        }
    }

    /// <summary>
    /// Reads every queued notification and calls <paramref name="deleted"/> with each deleted link's name. False when
    /// the kernel dropped notifications since the last drain (ENOBUFS: the receive buffer overflowed), so the caller
    /// must look for itself what is gone.
    /// </summary>
    public unsafe bool Drain(Action<string> deleted)
    {
        var complete = true;
        fixed (byte* p = _buf)
        {
            while (true)
            {
                var n = NativeNetlink.recv(_fd, p, _buf.Length, NativeNetlink.MsgDontwait);
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == NativeNetlink.Enobufs)
                    {
                        complete = false;
                        continue;
                    }

                    if (errno == NativeNetlink.Eagain)
                    {
                        return complete;
                    }

                    Native.Check(-1, "recv(rtnetlink)");
                }

                foreach (var name in DeletedLinks(_buf.AsSpan(0, (int)n)))
                {
                    deleted(name);
                }
            }
        }
    }

    /// <summary>The names in a datagram's RTM_DELLINK messages (struct nlmsghdr, struct ifinfomsg, rtattrs; 4-byte aligned).</summary>
    internal static List<string> DeletedLinks(ReadOnlySpan<byte> datagram)
    {
        var names = new List<string>();
        var off = 0;
        while (off + NlmsgHeader <= datagram.Length)
        {
            var len = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram[off..]);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[(off + 4)..]);
            if (len < NlmsgHeader || off + len > datagram.Length || type == NlmsgDone)
            {
                break;
            }

            if (type == RtmDellink && len >= NlmsgHeader + IfinfomsgSize)
            {
                var attrs = datagram.Slice(off + NlmsgHeader + IfinfomsgSize, len - NlmsgHeader - IfinfomsgSize);
                var a = 0;
                while (a + 4 <= attrs.Length)
                {
                    var alen = BinaryPrimitives.ReadUInt16LittleEndian(attrs[a..]);
                    var atype = BinaryPrimitives.ReadUInt16LittleEndian(attrs[(a + 2)..]);
                    if (alen < 4 || a + alen > attrs.Length)
                    {
                        break;
                    }

                    if (atype == IflaIfname)
                    {
                        var value = attrs.Slice(a + 4, alen - 4);
                        var nul = value.IndexOf((byte)0);
                        names.Add(Encoding.UTF8.GetString(nul < 0 ? value : value[..nul]));
                        break;
                    }

                    a += (alen + 3) & ~3;
                }
            }

            off += (len + 3) & ~3;
        }

        return names;
    }

    public void Dispose() => Native.close(_fd);
}
