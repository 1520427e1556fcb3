using NetnsPolicy.Calibration;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>The idle host's synchronize_rcu timed through membarrier(MEMBARRIER_CMD_GLOBAL) (<see cref="GracePeriodProbe"/>).</summary>
[TestFixture]
public sealed class GracePeriodProbeTests
{
    [Test]
    public void Measure_ThisMachine_EveryCallAGracePeriodOrAReason()
    {
        var ms = GracePeriodProbe.Measure(5, TimeSpan.FromMilliseconds(1), CancellationToken.None, out var why);
        if (Environment.ProcessorCount < 2)
        {
            // One online CPU: membarrier returns at once (no synchronize_rcu), which the probe's caller does not use.
            Assert.That(ms is null || ms.Count == 5);
            return;
        }

        Assert.That(ms, Is.Not.Null, why);
        Assert.That(ms!, Has.Count.EqualTo(5));
        // A normal grace period takes at least part of a jiffy (HZ ≤ 1000): far more than a system call's microseconds.
        Assert.That(ms, Has.All.GreaterThan(0.2), "each call waited for a grace period");
    }
}
