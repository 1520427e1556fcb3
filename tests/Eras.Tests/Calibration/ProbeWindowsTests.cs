using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>A burst probe's creations compared by when they started: the teardown window and the creation phase, on both sides.</summary>
[TestFixture]
public sealed class ProbeWindowsTests
{
    [Test]
    public void Split_ByStartAgainstReleaseAndLastPeer()
    {
        var w = ProbeWindows.Split([-0.2, -0.001, 0, 0.3, 0.5, 0.51], [1, 2, 3, 4, 5, 6], peersGoneS: 0.5);

        Assert.That(w.CreatePhase, Is.EqualTo(new[] { 1.0, 2 }));
        Assert.That(w.Teardown, Is.EqualTo(new[] { 3.0, 4, 5 }), "started from the release to the last peer gone; later ones are neither");
    }

    [Test]
    public void Quantities_MedianOverRunsWithACreationInTheWindow()
    {
        var q = ProbeWindows.Quantities(Quantities.TeardownPrefix, [[1, 2, 3], [], [5, 5, 5]]).ToList();

        Assert.That(q.Select(x => x.Name), Is.EqualTo(new[] { "teardown_creation_ms_p50", "teardown_creation_ms_p90", "teardown_creation_ms_cv" }));
        Assert.That(q[0].Value, Is.EqualTo(2), "median of the two runs' p50 (2 and 5): the lower middle, as Percentile");
        Assert.That(ProbeWindows.Quantities(Quantities.TeardownPrefix, [[], []]), Is.Empty);
    }

    [Test]
    public void WindowedNames_AreTailsAndSpreadAsTheirUnwindowedQuantity()
    {
        Assert.That(Quantities.Unwindowed("create_phase_creation_ms_p90"), Is.EqualTo(Quantities.CreationMsP90));
        Assert.That(new Comparison("b", "teardown_creation_ms_p90", "ms", 1, 1, false).IsTail, Is.True);
        Assert.That(new Comparison("b", "teardown_creation_ms_cv", "1", 1, 1, false).IsSpread, Is.True);
        Assert.That(new Comparison("b", "teardown_creation_ms_p50", "ms", 1, 1, false).IsTail, Is.False);
    }

    [Test]
    public void Predict_SimulatedBurst_WindowsSplitItsProbeAtTheRelease()
    {
        var w = WorkloadLoader.Parse("""
            { "name": "t", "machine": { "cpus": 2, "kernel_profile": "v6.18" },
              "burst": { "count": 64, "devices": { "veth_pairs": 1 }, "destroy_after_ms": 30, "release": "umount" },
              "probe": { "interval_ms": 5, "stop_ms": 400 } }
            """);
        var r = SimulationEngine.Run(SimulationRequest.Upstream(w, KernelProfileLoader.Load("v6.18")));
        var windows = ProbeWindows.Of(r);

        Assert.That(r.ProbeCreations, Is.Not.Empty);
        Assert.That(windows.CreatePhase, Is.Not.Empty, "the probe runs while the burst is created");
        Assert.That(windows.Teardown, Is.Not.Empty);
        Assert.That(windows.CreatePhase.Count + windows.Teardown.Count, Is.LessThan(r.ProbeCreations.Count), "creations after the last peer are in neither window");
        var e = new Experiment { Name = "t", Kind = "burst" };
        Assert.That(Quantities.Predict("teardown_creation_ms_p50", r, e), Is.EqualTo(ProbeWindows.Value(Quantities.CreationMsP50, windows.Teardown)));
    }

    [Test]
    public void IsFitQuantity_BurstWithWindows_FitsTheTeardownMedianInsteadOfTheWholeRun()
    {
        MeasuredQuantity[] q = [new(Quantities.CreationMsP50, 1, "ms"), new("teardown_creation_ms_p50", 1, "ms")];
        var windowed = new Experiment { Kind = "burst", Fit = true, Quantities = q };
        var old = windowed with { Quantities = [q[0]] };

        Assert.That(Replay.IsFitQuantity(windowed, q[1]), Is.True);
        Assert.That(Replay.IsFitQuantity(windowed, q[0]), Is.False);
        Assert.That(Replay.IsFitQuantity(old, q[0]), Is.True, "a folder without start times keeps the whole-run median");
    }
}
