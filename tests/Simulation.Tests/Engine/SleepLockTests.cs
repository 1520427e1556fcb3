using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Tests.Engine;

[TestFixture]
public sealed class SleepLockTests
{
    [Test]
    public void Mutex_Waiters_AreGrantedInFifoOrder()
    {
        var h = new EngineHarness(cpus: 4);
        var mutex = new SleepLock("m", h.Scheduler);
        var order = new List<string>();
        IEnumerable<Step> Holder(string name, long delay)
        {
            yield return Step.Sleep(delay);
            yield return Step.Lock(mutex);
            order.Add(name);
            yield return Step.Run(h.Work, 1_000_000);
            yield return Step.Unlock(mutex);
        }

        h.Spawn("first", Holder("first", 0));
        h.Spawn("c", Holder("c", 300));
        h.Spawn("a", Holder("a", 100));
        h.Spawn("b", Holder("b", 200));
        h.RunAll();
        Assert.That(order, Is.EqualTo(new[] { "first", "a", "b", "c" }));
        Assert.That(mutex.Contended, Is.EqualTo(3));
        Assert.That(mutex.HoldTotalNs, Is.EqualTo(4_000_000));
        Assert.That(mutex.WaitMaxNs, Is.EqualTo(3_000_000 - 300));
    }

    [Test]
    public void Rwsem_ReadersShare_WaitingWriterBlocksLaterReaders()
    {
        var h = new EngineHarness(cpus: 4);
        var sem = new SleepLock("rw", h.Scheduler);
        var granted = new Dictionary<string, long>();
        IEnumerable<Step> User(string name, bool write, long delay, long hold)
        {
            yield return Step.Sleep(delay);
            yield return write ? Step.Lock(sem) : Step.LockRead(sem);
            granted[name] = h.Now;
            yield return Step.Run(h.Work, hold);
            yield return write ? Step.Unlock(sem) : Step.UnlockRead(sem);
        }

        h.Spawn("r1", User("r1", false, 0, 1_000_000));
        h.Spawn("r2", User("r2", false, 10, 1_000_000));
        h.Spawn("w", User("w", true, 20, 1_000_000));
        h.Spawn("r3", User("r3", false, 30, 1_000_000));
        h.RunAll();
        Assert.That(granted["r2"], Is.EqualTo(10), "readers share");
        Assert.That(granted["w"], Is.EqualTo(1_000_010), "the writer waits for both readers");
        Assert.That(granted["r3"], Is.EqualTo(2_000_010), "a reader arriving behind a waiting writer waits for it");
    }
}
