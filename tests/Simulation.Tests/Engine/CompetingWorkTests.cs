using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Tests.Engine;

/// <summary>
/// Competing host work in EEVDF slices ended by the tick (<see cref="VariationSpec.CompetingSliceUs"/>): a thread that a
/// competitor took the CPU from gets it back on a tick, after at least the slice, whatever the cost spread.
/// </summary>
[TestFixture]
public sealed class CompetingWorkTests
{
    private const int Hz = 250;
    private const long JiffyNs = 1_000_000_000 / Hz;

    /// <summary>The times a worker got its CPU back after waiting for it, and how long each wait was.</summary>
    private static List<(long At, long Waited)> Resumes(VariationSpec spec)
    {
        var h = new EngineHarness(1, sliceNs: 100_000, hz: Hz);
        HostVariation.Attach(spec, h.Scheduler, 11, 0);
        var resumes = new List<(long, long)>();
        h.Spawn("worker", Worker(h, resumes));
        h.Scheduler.RunUntil(2_000_000_000, () => false, CancellationToken.None);
        return resumes;
    }

    private static IEnumerable<Step> Worker(EngineHarness h, List<(long, long)> resumes)
    {
        for (var i = 0; i < 20_000; i++)
        {
            yield return Step.Run(h.Work, 80_000);
            yield return Step.CondResched();
            var before = h.Now;
            yield return Step.Run(h.Work, 1);
            if (h.Now - before > 1_000)
            {
                resumes.Add((h.Now, h.Now - before));
            }
        }
    }

    [Test]
    public void TickSlices_GiveTheCpuBackOnATick_AfterAtLeastTheSlice()
    {
        var r = Resumes(new VariationSpec { CompetingCpusPerLoad = 0.2, HostLoad = 2, CompetingSliceUs = 1400, OpCostCv = 0.5, RunCostCv = 0.2 });

        Assert.That(r, Has.Count.GreaterThan(20), "the competitors took the CPU");
        // The worker's 1 ns step after the wait is scaled by the cost factors: a few ns past the tick.
        Assert.That(r.Select(x => x.At % JiffyNs), Is.All.LessThan(20), "every competitor's burst ended on a tick");
        Assert.That(r.Select(x => x.Waited), Is.All.GreaterThanOrEqualTo(1_400_000), "and lasted at least its slice");
    }

    [Test]
    public void ExponentialBursts_EndAnywhere()
    {
        // The same load as exponential bursts (today's competing work): the waits do not end on ticks.
        var r = Resumes(new VariationSpec { CompetingCpus = 0.4, CompetingBurstUs = 3000, OpCostCv = 0.5 });

        Assert.That(r, Has.Count.GreaterThan(20));
        Assert.That(r.Count(x => x.At % JiffyNs < 20), Is.LessThan(r.Count / 4));
    }
}
