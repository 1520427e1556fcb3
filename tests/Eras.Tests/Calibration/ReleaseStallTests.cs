using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// The burst's release on the eleventh session (cleanup_net's batches traced; docs/calibration.md "The shipped fit,
/// tenth round", release stalls): the host's umounts stall once a batch begins during the release, which the model does
/// not do, so the release's duration is named as not predicted.
/// </summary>
[TestFixture]
public sealed class ReleaseStallTests
{
    private const string Eleventh = "calibration/vm-6.18.44-20261202-eleventh";

    private static string Dir => Path.Combine(EraRun.RepoRoot(), Eleventh);

    [Test]
    public void Host_UmountStallsBeginWithTheFirstBatchInTheRelease()
    {
        var bursts = MeasurementSet.Load(Dir).Experiments.Where(e => e.Name is "burst-1000-veth" or "burst-2000-veth").ToList();
        var stalledRuns = 0;
        foreach (var e in bursts)
        {
            var s = e.Samples;
            for (var run = 0; run < s["peers_gone_s_per_run"].Count; run++)
            {
                var firstStall = s["umount_first_stall_ms_per_run"][run];
                var firstBatch = s["cleanup_batch_run"].Select((r, i) => (r, i)).Where(p => (int)p.r == run && s["cleanup_batch_burst_nets"][p.i] > 0).Select(p => s["cleanup_batch_start_ms"][p.i]).Min();
                if (firstStall < 0)
                {
                    // No stall: the release ended before any batch took a burst net.
                    Assert.That(firstBatch, Is.GreaterThan(s["release_s_per_run"][run] * 1000), $"{e.Name} run {run}");
                    continue;
                }

                stalledRuns++;
                var running = s["cleanup_batch_run"].Select((r, i) => (r, i)).Where(p => (int)p.r == run)
                    .Any(p => s["cleanup_batch_start_ms"][p.i] <= firstStall + 0.5 && (s["cleanup_batch_end_ms"][p.i] < 0 || s["cleanup_batch_end_ms"][p.i] >= firstStall));
                Assert.That(running, $"{e.Name} run {run}: the first stalled umount ({firstStall} ms) met a running cleanup_net");
                Assert.That(firstStall, Is.LessThanOrEqualTo(firstBatch + 2.5), $"{e.Name} run {run}: stalls start by the first batch with burst nets");
                Assert.That(s["umount_us_p50_per_run"][run], Is.LessThan(50), "the median umount does not stall");
            }
        }

        Assert.That(stalledRuns, Is.GreaterThanOrEqualTo(12), "13 of the 14 runs stalled");
    }

    [Test]
    public void Replay_ReleaseIsComparedButNotPredicted()
    {
        var replay = new Replay(Dir, MeasurementSet.Load(Dir));
        var rows = replay.Compare(KernelProfileLoader.Load("host-6.18"), fittedOnly: false).Where(r => r.Quantity == Quantities.ReleaseSeconds).ToList();

        Assert.That(rows, Has.Count.EqualTo(5), "every burst");
        Assert.That(rows, Has.All.Matches<Comparison>(r => r.NotPredicted && !r.Fitted && r.Predicted > 0));
        // Uncontended (32 netns) the model's release matches. With the worker's traced tick deferral (thirteenth round)
        // the model's umounts stall wherever they meet a running cleanup_net, as the host's do at 1000 (+23 %); at 512
        // the host's release mostly ends before a batch takes burst nets and the model's does not (+690 %): which batch
        // boundary the release meets is what it does not predict.
        Assert.That(rows.Single(r => r.Experiment == "burst-32-veth").RelativeError, Is.InRange(-0.2, 0.2));
        Assert.That(rows.Single(r => r.Experiment == "burst-1000-veth").RelativeError, Is.InRange(-0.5, 0.5));
        Assert.That(rows.Single(r => r.Experiment == "burst-512-veth").RelativeError, Is.GreaterThan(1));
    }

    [Test]
    public void Model_ReleaseDurationOnlyForUmountReleases()
    {
        var w = WorkloadLoader.Load(Path.Combine(Dir, "workloads", "burst-128-veth.json"));
        var profile = KernelProfileLoader.Load("host-6.18") with { Variation = null };
        var umount = SimulationEngine.Run(SimulationRequest.Upstream(w, profile));
        var exit = SimulationEngine.Run(SimulationRequest.Upstream(w with { Burst = w.Burst! with { Release = "exit" } }, profile));

        Assert.That(umount.Generators.BurstReleaseSeconds, Is.GreaterThan(0).And.LessThan(umount.HostPeersGoneSeconds));
        Assert.That(exit.Generators.BurstReleaseSeconds, Is.LessThan(1e-4), "released at one instant but for put_net's own work");
    }

    [Test]
    public void MeasuredExpedited_TheMedianOfTheFittedBurstsMedianUmounts()
    {
        var set = MeasurementSet.Load(Dir);
        var medians = set.Experiments.Where(e => e.Fit && e.Kind == "burst").SelectMany(e => e.Samples["umount_us_p50_per_run"]).Order().ToList();
        var (ns, runs) = Calibrator.MeasuredExpeditedNs(set, set);

        Assert.That(runs, Is.EqualTo(medians.Count));
        Assert.That(medians.Count(v => v * 1000 < ns), Is.EqualTo(medians.Count(v => v * 1000 > ns)).Within(1), "a median");
        Assert.That(ns, Is.InRange(5_000, 50_000), "an uncontended umount: one expedited GP of tens of µs, not a stalled one");
    }

    [Test]
    public void MeasuredExpedited_SessionWithoutUmountsOrOfAnotherBuild_IsBadInputNamingTheOption()
    {
        var eleventh = MeasurementSet.Load(Dir);
        var tenth = MeasurementSet.Load(Path.Combine(EraRun.RepoRoot(), "calibration/vm-6.18.44-20261202-tenth"));
        var ninth = MeasurementSet.Load(Path.Combine(EraRun.RepoRoot(), "calibration/vm-6.18.44-20261202-ninth"));

        var none = Assert.Throws<InputValidationException>(() => Calibrator.MeasuredExpeditedNs(tenth, tenth))!;
        Assert.That(none.Errors.Single().Field, Is.EqualTo("--expedited-from-umounts"));
        Assert.That(none.Errors.Single().Message, Does.Contain("umount_us_p50_per_run"));
        Assert.That(Calibrator.MeasuredExpeditedNs(eleventh, tenth).Ns, Is.GreaterThan(0), "another session of the same build");
        var other = Assert.Throws<InputValidationException>(() => Calibrator.MeasuredExpeditedNs(eleventh, ninth))!;
        Assert.That(other.Errors.Single().Message, Does.Contain(ninth.Host.KernelRelease));
    }
}
