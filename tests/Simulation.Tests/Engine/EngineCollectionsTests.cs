using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Tests.Engine;

/// <summary>
/// The engine's own collections (<see cref="RingQueue{T}"/>, <see cref="ValueList{T}"/>, the heap of
/// <see cref="EventQueue"/>), which stand in for the framework's so that ReadyToRun precompiles them: each behaves as the
/// framework's collection it replaced, checked against that collection or a plain model.
/// </summary>
[TestFixture]
public sealed class EngineCollectionsTests
{
    [Test]
    public void RingQueue_InterleavedAcrossGrowth_MatchesQueue()
    {
        var ring = new RingQueue<long>(2);
        var reference = new Queue<long>();
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            if (reference.Count == 0 || random.Next(3) > 0)
            {
                ring.Enqueue(i);
                reference.Enqueue(i);
            }
            else
            {
                Assert.That(ring.Peek(), Is.EqualTo(reference.Peek()));
                Assert.That(ring.Dequeue(), Is.EqualTo(reference.Dequeue()));
            }

            Assert.That(ring.Count, Is.EqualTo(reference.Count));
        }

        while (reference.Count > 0)
        {
            Assert.That(ring.Dequeue(), Is.EqualTo(reference.Dequeue()));
        }

        Assert.That(ring.Count, Is.Zero);
    }

    [Test]
    public void RingQueue_Empty_Throws()
    {
        var ring = new RingQueue<int>();
        ring.Enqueue(1);
        ring.Dequeue();

        Assert.Throws<InvalidOperationException>(() => ring.Dequeue());
        Assert.Throws<InvalidOperationException>(() => ring.Peek());
    }

    [Test]
    public void ValueList_AddRemoveAtPop_MatchesList()
    {
        var list = new ValueList<int>(1);
        var reference = new List<int>();
        var random = new Random(11);
        for (var i = 0; i < 3000; i++)
        {
            switch (reference.Count == 0 ? 0 : random.Next(4))
            {
                case 0 or 1:
                    list.Add(i);
                    reference.Add(i);
                    break;
                case 2:
                    var at = random.Next(reference.Count);
                    list.RemoveAt(at);
                    reference.RemoveAt(at);
                    break;
                default:
                    Assert.That(list.Pop(), Is.EqualTo(reference[^1]));
                    reference.RemoveAt(reference.Count - 1);
                    break;
            }
        }

        Assert.That(list.Count, Is.EqualTo(reference.Count));
        Assert.That(list, Is.EqualTo(reference));
        var walked = new List<int>();
        foreach (var item in list)
        {
            walked.Add(item);
        }

        Assert.That(walked, Is.EqualTo(reference));
        Assert.That(list.ToArray(), Is.EqualTo(reference.ToArray()));
        Assert.That(list[^1], Is.EqualTo(reference[^1]));
        list[0] = -1;
        Assert.That(list[0], Is.EqualTo(-1));
    }

    [Test]
    public void ValueList_OutOfRangeAndEmpty_Throw()
    {
        var list = new ValueList<long> { 1, 2 };
        list.Clear();

        Assert.That(list.Count, Is.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = list[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list.RemoveAt(0));
        Assert.Throws<InvalidOperationException>(() => list.Pop());
        Assert.That(list, Is.Empty);
    }

    [Test]
    public void EventQueue_ManyTies_FiresInTimeThenSchedulingOrder()
    {
        // Events for the current instant go to the FIFO, the others to the heap; whatever the mix, each dequeue is the
        // pending event with the least (time, scheduling sequence), as a plain search over every pending one finds it.
        var queue = new EventQueue();
        var target = new NullTarget();
        var pending = new List<(long Time, int Id)>();
        var random = new Random(3);
        long now = 0;
        var id = 0;
        for (var step = 0; step < 20_000; step++)
        {
            if (pending.Count == 0 || random.Next(5) < 3)
            {
                // Few distinct times, so that many events share one; a third at the current instant.
                var time = random.Next(3) == 0 ? now : now + random.Next(1, 8);
                queue.Schedule(time, target, id, version: time);
                pending.Add((time, id++));
                continue;
            }

            var next = 0;
            for (var i = 1; i < pending.Count; i++)
            {
                if (pending[i].Time < pending[next].Time)
                {
                    next = i;
                }
            }

            Assert.That(queue.TryPeekTime(out var peeked), Is.True);
            Assert.That(peeked, Is.EqualTo(pending[next].Time));
            Assert.That(queue.TryDequeue(out var fired, out var evt), Is.True);
            Assert.That((fired, evt.Kind), Is.EqualTo(pending[next]), $"step {step}");
            now = fired;
            pending.RemoveAt(next);
            Assert.That(queue.Count, Is.EqualTo(pending.Count));
        }

        Assert.That(queue.Processed, Is.EqualTo(id - pending.Count));
    }

    [Test]
    public void EventQueue_Empty_DequeuesNothing()
    {
        var queue = new EventQueue();

        Assert.That(queue.TryDequeue(out _, out _), Is.False);
        Assert.That(queue.TryPeekTime(out _), Is.False);
    }

    private sealed class NullTarget : IEventTarget
    {
        public void Fire(int kind, long version)
        {
        }
    }
}
