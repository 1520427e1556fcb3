using System.Buffers.Binary;
using System.Text;
using NetnsPolicy.Calibration;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>The burst probe's observer: RTM_DELLINK messages parsed from an rtnetlink datagram (include/uapi/linux/netlink.h, rtnetlink.h, if_link.h).</summary>
[TestFixture]
public sealed class LinkMonitorTests
{
    /// <summary>A struct nlmsghdr + struct ifinfomsg + rtattrs message, each part 4-byte aligned.</summary>
    private static byte[] Message(ushort type, params (ushort Type, byte[] Value)[] attrs)
    {
        var body = new List<byte>(new byte[16]); // ifinfomsg: family, pad, type, index, flags, change
        foreach (var (t, v) in attrs)
        {
            var a = new byte[4];
            BinaryPrimitives.WriteUInt16LittleEndian(a, (ushort)(4 + v.Length));
            BinaryPrimitives.WriteUInt16LittleEndian(a.AsSpan(2), t);
            body.AddRange(a);
            body.AddRange(v);
            while (body.Count % 4 != 0)
            {
                body.Add(0);
            }
        }

        var m = new byte[16 + body.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)m.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(4), type);
        body.CopyTo(m, 16);
        return m;
    }

    private static byte[] Name(string s) => [.. Encoding.ASCII.GetBytes(s), 0];

    [Test]
    public void DeletedLinks_OnlyDellinkNames_AcrossAlignedMessages()
    {
        const ushort newlink = 16, dellink = 17, mtu = 4, ifname = 3;
        byte[] datagram =
        [
            .. Message(newlink, (ifname, Name("nnp1a2bh0"))),
            .. Message(dellink, (mtu, [0xdc, 0x05, 0, 0]), (ifname, Name("nnp1a2bh1"))),
            .. Message(dellink, (ifname, Name("nnp1a2bh10"))),
        ];

        Assert.That(LinkMonitor.DeletedLinks(datagram), Is.EqualTo(new[] { "nnp1a2bh1", "nnp1a2bh10" }));
    }

    [Test]
    public void DeletedLinks_TruncatedMessage_StopsWithoutReadingPastTheEnd()
    {
        var m = Message(17, (3, Name("nnp1a2bh0")));

        Assert.That(LinkMonitor.DeletedLinks(m.AsSpan(0, m.Length - 4)), Is.Empty);
    }
}
