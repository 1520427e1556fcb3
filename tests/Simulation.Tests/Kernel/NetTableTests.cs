using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Kernel;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Tests.Kernel;

/// <summary>The per-run table of net and device slots (issue 16, large bursts): reuse of freed slots, never silent.</summary>
[TestFixture]
public sealed class NetTableTests
{
    private static readonly DeviceTypeSpec Loopback = new() { Name = "loopback" };

    [Test]
    public void AddNet_AfterReleaseNet_ReusesTheSlotAndTheFreedHandleReadsFreed()
    {
        var table = new NetTable();
        var first = table.AddNet(1);
        first.State = NetState.Freed;
        table.ReleaseNet(first);
        var second = table.AddNet(2);
        second.State = NetState.Alive;

        Assert.Multiple(() =>
        {
            Assert.That(second.Slot, Is.EqualTo(first.Slot));
            Assert.That(first.State, Is.EqualTo(NetState.Freed));
            Assert.That(second.State, Is.EqualTo(NetState.Alive));
            Assert.That(first, Is.Not.EqualTo(second));
            Assert.That(() => first.MemoryBytes, Throws.InvalidOperationException.With.Message.Contains("net#1 was freed"));
        });
    }

    [Test]
    public void ReleaseNet_BeforeTheNextAddNet_KeepsTheFreedNetsFields()
    {
        var table = new NetTable();
        var net = table.AddNet(1);
        net.MemoryBytes = 4096;
        net.FromBurst = true;
        net.State = NetState.Freed;
        table.ReleaseNet(net);

        Assert.Multiple(() =>
        {
            Assert.That(net.MemoryBytes, Is.EqualTo(4096));
            Assert.That(net.FromBurst, Is.True);
            Assert.That(net.LiveIndex, Is.EqualTo(-1));
        });
    }

    [Test]
    public void Unregistered_SetTrue_FreesTheDeviceSlotForTheNextDeviceAndTheOldHandleThrows()
    {
        var table = new NetTable();
        var net = table.AddNet(1);
        var lo = new NetDevice(Loopback, DeviceKind.Loopback, net, "lo");
        lo.Unregistered = true;
        lo.Unregistered = true;
        var next = new NetDevice(Loopback, DeviceKind.Loopback, net, "lo");
        var another = new NetDevice(Loopback, DeviceKind.Loopback, net, "lo");

        Assert.Multiple(() =>
        {
            Assert.That(next.Index, Is.EqualTo(lo.Index));
            Assert.That(another.Index, Is.Not.EqualTo(next.Index), "a second free of the same device must not free its slot twice");
            Assert.That(next.Unregistered, Is.False);
            Assert.That(next, Is.Not.EqualTo(lo));
            Assert.That(() => lo.Queued, Throws.InvalidOperationException);
        });
    }

    [Test]
    public void Peer_SetOnBothEnds_ReadsTheOtherEndAndItsOwner()
    {
        var table = new NetTable();
        var init = table.AddNet(0);
        var net = table.AddNet(1);
        var inner = new NetDevice(Loopback, DeviceKind.Veth, net, "veth0");
        var outer = new NetDevice(Loopback, DeviceKind.Veth, init, "veth1_0") { Peer = inner };
        inner.Peer = outer;
        var alone = new NetDevice(Loopback, DeviceKind.Loopback, table.AddNet(2), "lo");

        Assert.Multiple(() =>
        {
            Assert.That(inner.Peer, Is.EqualTo(outer));
            Assert.That(outer.Peer, Is.EqualTo(inner));
            Assert.That(outer.Owner, Is.EqualTo(init));
            Assert.That(inner.ToString(), Is.EqualTo("veth0@net#1"));
            Assert.That(alone.Peer, Is.Null);
        });
    }

    [Test]
    public void AddNet_PastOneChunk_KeepsEveryNetsState()
    {
        var table = new NetTable();
        var nets = Enumerable.Range(0, 10_000).Select(table.AddNet).ToArray();
        foreach (var n in nets)
        {
            n.MemoryBytes = n.Id * 3L;
        }

        Assert.That(nets.All(n => n.MemoryBytes == n.Id * 3L), Is.True);
    }
}
