using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Kernel;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Tests.Engine;

/// <summary>The allocation-free pieces of issue 16: pooled step sequences, rented frame stacks, a net's inline device list.</summary>
[TestFixture]
public sealed class PooledStepsTests
{
    [Test]
    public void Sequence_ThreeSteps_YieldsThemInOrderThenEnds()
    {
        var h = new EngineHarness(cpus: 1);
        using var e = h.Scheduler.Sequence(Step.Run(h.Work, 1), Step.Sleep(2), Step.Run(h.Work, 3)).GetEnumerator();
        var values = new List<long>();
        while (e.MoveNext())
        {
            values.Add(e.Current.Value);
        }

        Assert.That(values, Is.EqualTo(new[] { 1L, 2L, 3L }));
    }

    [Test]
    public void Sequence_Disposed_IsReusedForTheNextCall()
    {
        var h = new EngineHarness(cpus: 1);
        var first = h.Scheduler.One(Step.Run(h.Work, 5)).GetEnumerator();
        first.Dispose();
        var second = h.Scheduler.Sequence().GetEnumerator();
        var third = h.Scheduler.Sequence().GetEnumerator();
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(second.MoveNext(), Is.False);
            Assert.That(third, Is.Not.SameAs(second));
        });
    }

    [Test]
    public void Spawn_CalledSequences_RunAsTheIteratorsTheyReplace()
    {
        var h = new EngineHarness(cpus: 1);
        long after = 0;
        IEnumerable<Step> Body()
        {
            yield return Step.Call(h.Work, h.Scheduler.Sequence(Step.Run(h.Work, 1_000), Step.Run(h.Work, 2_000)));
            yield return Step.Call(h.Work, h.Scheduler.Sequence());
            after = h.Now;
        }

        var t = h.Spawn("a", Body());
        h.RunAll();
        Assert.Multiple(() =>
        {
            Assert.That(after, Is.EqualTo(3_000));
            Assert.That(t.Exited, Is.True);
            Assert.That(t.FrameCount, Is.Zero);
        });
    }

    [Test]
    public void Spawn_NumberedThread_NamedWithItsIndex()
    {
        var h = new EngineHarness(cpus: 1);
        var t = h.Scheduler.Spawn("conn", 17, h.Work, []);
        Assert.That(t.Name, Is.EqualTo("conn17"));
    }

    [Test]
    public void Push_DeeperThanTheRentedStack_GrowsAndUnwinds()
    {
        var h = new EngineHarness(cpus: 1);
        var depth = 0;
        IEnumerable<Step> Nested(int n)
        {
            depth = Math.Max(depth, n);
            if (n < 20)
            {
                yield return Step.Call(h.Work, Nested(n + 1));
            }

            yield return Step.Run(h.Work, 10);
        }

        var t = h.Spawn("deep", Nested(1));
        h.RunAll();
        Assert.Multiple(() =>
        {
            Assert.That(depth, Is.EqualTo(20));
            Assert.That(h.Now, Is.EqualTo(200));
            Assert.That(t.Exited, Is.True);
        });
    }

    [Test]
    public void NetDeviceList_AddPastInlineAndRemoveFromMiddle_KeepsListOrder()
    {
        var net = new NetTable().AddNet(1);
        var type = new DeviceTypeSpec { Name = "veth" };
        var devices = Enumerable.Range(0, 5).Select(i => new NetDevice(type, DeviceKind.Veth, net, "veth" + i)).ToArray();
        foreach (var d in devices)
        {
            net.Devices.Add(d);
        }

        var removedMiddle = net.Devices.Remove(devices[1]);
        var removedAbsent = net.Devices.Remove(devices[1]);
        var names = new List<string>();
        foreach (var d in net.Devices)
        {
            names.Add(d.Name);
        }

        Assert.Multiple(() =>
        {
            Assert.That(removedMiddle, Is.True);
            Assert.That(removedAbsent, Is.False);
            Assert.That(net.Devices.Count, Is.EqualTo(4));
            Assert.That(names, Is.EqualTo(new[] { "veth0", "veth2", "veth3", "veth4" }));
            Assert.That(net.Devices[3], Is.EqualTo(devices[4]));
            Assert.That(net.Devices.Exists(d => d.Name == "veth3"), Is.True);
            Assert.That(() => net.Devices[4], Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
