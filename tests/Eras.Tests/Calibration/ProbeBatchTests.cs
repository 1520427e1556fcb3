using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// cleanup_net's runs that take only the probe's nets (docs/calibration.md, thirteenth round): the host's traced
/// batches (eleventh session) beside the model's <c>CleanupRuns</c>.
/// </summary>
[TestFixture]
public sealed class ProbeBatchTests
{
    private static string Dir => Path.Combine(EraRun.RepoRoot(), "calibration/vm-6.18.44-20261202-eleventh");

    [Test]
    public void Derived_TracedBurst_MedianOfTheProbeOnlyBatchesBeforeTheRelease()
    {
        var e = MeasurementSet.Load(Dir).Experiments.Single(x => x.Name == "burst-1000-veth");
        var s = e.Samples;
        var q = Quantities.Derived(e).Single();
        var before = Enumerable.Range(0, s["cleanup_batch_start_ms"].Count)
            .Where(i => s["cleanup_batch_burst_nets"][i] == 0 && s["cleanup_batch_probe_nets"][i] > 0 && s["cleanup_batch_end_ms"][i] is not -1 and <= 0)
            .Select(i => s["cleanup_batch_end_ms"][i] - s["cleanup_batch_start_ms"][i])
            .ToList();

        Assert.That(q.Name, Is.EqualTo(Quantities.ProbeBatchMsP50));
        Assert.That(before, Has.Count.GreaterThan(300), "seven runs of a probe every 5 ms for seconds before the release");
        Assert.That(before.Count(d => d < q.Value), Is.InRange(0.45 * before.Count, 0.55 * before.Count), "a median (the batches' times are rounded to 0.1 ms: ties)");
        Assert.That(before.Count(d => d > q.Value), Is.InRange(0.45 * before.Count, 0.55 * before.Count));
        Assert.That(q.Value, Is.InRange(28, 36), "eight jiffies at HZ 250: two rcu_barrier and the exits of about seven lo-only nets");
    }

    [Test]
    public void Derived_WithoutTracedBatchesOrTooFew_Nothing()
    {
        var eleventh = MeasurementSet.Load(Dir);
        Assert.That(Quantities.Derived(eleventh.Experiments.Single(x => x.Name == "burst-32-veth")), Is.Empty, "five probe-only batches in seven runs");
        var tenth = MeasurementSet.Load(Path.Combine(EraRun.RepoRoot(), "calibration/vm-6.18.44-20261202-tenth"));
        Assert.That(tenth.Experiments.SelectMany(Quantities.Derived), Is.Empty, "the tenth session did not trace cleanup_net");
        Assert.That(eleventh.Experiments.Where(x => x.Kind != "burst").SelectMany(Quantities.Derived), Is.Empty);
    }

    [Test]
    public void Model_CleanupRuns_OneAtATimeAndEveryBurstNetInOne()
    {
        // netns_wq is ordered and single-threaded (net/core/net_namespace.c: create_singlethread_workqueue): a run
        // starts only after the previous one ended.
        var w = WorkloadLoader.Load(Path.Combine(Dir, "workloads", "burst-128-veth.json"));
        var r = SimulationEngine.Run(SimulationRequest.Upstream(w, KernelProfileLoader.Load("host-6.18")));
        var runs = r.CleanupRuns;

        Assert.That(runs.Sum(c => c.BurstNets), Is.EqualTo(128));
        Assert.That(runs.Sum(c => c.Nets), Is.EqualTo(r.NetsFreed));
        Assert.That(runs.Where(c => c.EndSeconds <= r.Generators.BurstReleasedSeconds!.Value).Select(c => c.BurstNets), Has.All.EqualTo(0), "nothing of the burst before its release");
        Assert.That(runs.Count(c => c.ProbeNets > 0 && c.BurstNets == 0), Is.GreaterThan(3));
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.That(runs[i].StartSeconds, Is.GreaterThanOrEqualTo(runs[i - 1].EndSeconds), $"run {i}");
            Assert.That(runs[i].EndSeconds, Is.GreaterThan(runs[i].StartSeconds));
        }
    }

    [Test]
    public void Replay_TracedBursts_CompareTheProbeBatchesNamedAsNotPredicted()
    {
        var rows = new Replay(Dir, MeasurementSet.Load(Dir)).Compare(KernelProfileLoader.Load("host-6.18"), fittedOnly: false)
            .Where(c => c.Quantity == Quantities.ProbeBatchMsP50).ToList();

        // 32 netns: five probe-only batches in seven runs, too few for a median (Quantities.MinProbeBatches).
        Assert.That(rows.Select(c => c.Experiment), Is.EquivalentTo(new[] { "burst-128-veth", "burst-512-veth", "burst-1000-veth", "burst-2000-veth" }));
        Assert.That(rows, Has.All.Matches<Comparison>(c => c.NotPredicted && !c.Fitted), "not fitted, and not claimed");
        // The shipped profile's: about twice the host's (docs/calibration.md, thirteenth round).
        Assert.That(rows.Select(c => c.RelativeError), Has.All.InRange(0.3, 1.5));
    }
}
