using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// What cleanup_net's runs are made of, host beside model (docs/calibration.md, "Where cleanup_net waits"): the
/// fourteenth session's traces (scripts/trace-cleanup-waits.py, 6.18.44-fc-v1147) and the model's <c>CleanupRuns</c>
/// with the worker's CPU time and rcu_barrier waits.
/// </summary>
[TestFixture]
public sealed class CleanupRunComparisonTests
{
    private static string Dir => Path.Combine(EraRun.RepoRoot(), "calibration/vm-6.18.44-20261203-fourteenth");

    [Test]
    public void LoadHost_FourteenthTrace_ProbeOnlyRunsAreTwoBarriersOfAboutFourJiffies()
    {
        var runs = CleanupRunComparison.LoadHost(Path.Combine(Dir, CleanupRunComparison.Folder, "burst-2000-veth", "runs.tsv"));
        var host = CleanupRunComparison.Host(runs);

        Assert.That(runs.Select(r => r.Repeat).Distinct(), Is.EquivalentTo(new[] { 0, 1, 2 }));
        Assert.That(runs.Where(r => r.BurstNets > 0).GroupBy(r => r.Repeat).Select(g => g.Sum(r => r.BurstNets)), Has.All.EqualTo(2000), "every burst netns in one run of its repetition");
        Assert.That(host.ProbeRuns, Is.GreaterThan(300), "three repetitions of a 5 s creation phase with a probe every 5 ms");
        // Traced on 6.18.44-fc-v1147 (HZ 250): two rcu_barrier (netdev_run_todo's, cleanup_net's) of 14-15 ms each and 2-4 ms on
        // the CPU, in 8-9 jiffies; probe_batch_ms_p50 of the probe sessions is 32-36 ms.
        Assert.That(host.ProbeRunMs, Is.InRange(28, 40));
        Assert.That(host.ProbeBarrierMs, Is.InRange(0.7 * host.ProbeRunMs, host.ProbeRunMs));
        Assert.That(host.ProbeCpuMs, Is.InRange(1, 6));
        Assert.That(host.BurstCpuMsPerNetns, Is.InRange(0.4, 0.9));
        Assert.That(runs, Has.All.Matches<CleanupRunComparison.HostRun>(r => r.CpuMs <= r.DurationMs && r.BarrierMs <= r.DurationMs - r.CpuMs + 1e-9));
    }

    [Test]
    public void LoadHost_MalformedLine_NamesTheLineAndTheField()
    {
        var path = Path.Combine(Path.GetTempPath(), $"runs-{Guid.NewGuid():N}.tsv");
        try
        {
            File.WriteAllLines(path, ["repeat\tstart_ms\tend_ms\tphase\tburst_nets\twaits", "0\t1.0\t2.0\tprobe-only\t0\trcu_barrier@cleanup_net:1:x:0.1"]);
            var e = Assert.Throws<InvalidDataException>(() => CleanupRunComparison.LoadHost(path))!;
            Assert.That(e.Message, Does.Contain(":2:").And.Contain("rcu_barrier@cleanup_net blocked_ms").And.Contain("'x'"));

            File.WriteAllLines(path, ["header", "0\t1.0\t2.0\tprobe-only"]);
            e = Assert.Throws<InvalidDataException>(() => CleanupRunComparison.LoadHost(path))!;
            Assert.That(e.Message, Does.Contain(":2:").And.Contain("burst_nets").And.Contain("4 columns"));

            File.WriteAllLines(path, ["header", "0\t1.0\t2.0\tprobe-only\t0\trcu_barrier@cleanup_net:1:2.0"]);
            e = Assert.Throws<InvalidDataException>(() => CleanupRunComparison.LoadHost(path))!;
            Assert.That(e.Message, Does.Contain("label:sleeps:blocked_ms:runnable_ms"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ForSet_TraceOfAnotherBuildOrUnrecorded_RefusedNamingBoth()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"session-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "workloads"));
            File.Copy(Path.Combine(Dir, "measurements.json"), Path.Combine(dir, "measurements.json"));
            foreach (var f in Directory.GetFiles(Path.Combine(Dir, "workloads")))
            {
                File.Copy(f, Path.Combine(dir, "workloads", Path.GetFileName(f)));
            }

            var trace = Path.Combine(dir, CleanupRunComparison.Folder, "burst-32-veth");
            Directory.CreateDirectory(trace);
            File.Copy(Path.Combine(Dir, CleanupRunComparison.Folder, "burst-32-veth", "runs.tsv"), Path.Combine(trace, "runs.tsv"));
            var replay = new Replay(dir, MeasurementSet.Load(dir));
            var profile = KernelProfileLoader.Load("host-6.18");

            var e = Assert.Throws<InvalidDataException>(() => CleanupRunComparison.ForSet(replay, profile))!;
            Assert.That(e.Message, Does.Contain("host.txt").And.Contain("(not recorded)").And.Contain(replay.Set.Host.KernelRelease));

            File.WriteAllText(Path.Combine(trace, "host.txt"), "kernel_release 6.18.44-fc-v1098\nonline_cpus 2\n");
            e = Assert.Throws<InvalidDataException>(() => CleanupRunComparison.ForSet(replay, profile))!;
            Assert.That(e.Message, Does.Contain("6.18.44-fc-v1098").And.Contain(replay.Set.Host.KernelRelease));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Model_CleanupRuns_TheWorkersCpuAndBarrierWaitsFitInTheRun()
    {
        var w = WorkloadLoader.Load(Path.Combine(Dir, "workloads", "burst-512-veth.json"));
        var r = SimulationEngine.Run(SimulationRequest.Upstream(w, KernelProfileLoader.Load("host-6.18")));
        var runs = r.CleanupRuns;

        foreach (var c in runs)
        {
            var ms = (c.EndSeconds - c.StartSeconds) * 1000;
            Assert.That(c.CpuMs, Is.GreaterThan(0));
            Assert.That(c.CpuMs + c.BarrierMs, Is.LessThanOrEqualTo(ms + 1e-6), "the worker is on a CPU or waiting, not both");
        }

        // Every run waits in two rcu_barrier (netdev_run_todo's for its lo and veth, cleanup_net's own) and a burst run's
        // CPU grows with its nets.
        Assert.That(runs.Where(c => c.ProbeNets > 0 && c.BurstNets == 0).Select(c => c.BarrierMs), Has.All.GreaterThan(1));
        var burst = runs.Where(c => c.BurstNets > 0).ToList();
        Assert.That(burst.Sum(c => c.CpuMs) / burst.Sum(c => c.BurstNets), Is.InRange(0.2, 2), "ms per burst netns");
    }

    [Test]
    public void ForSet_FourteenthSession_EveryTracedBurstHostBesideModel()
    {
        var replay = new Replay(Dir, MeasurementSet.Load(Dir));
        var rows = CleanupRunComparison.ForSet(replay, KernelProfileLoader.Load("host-6.18"));
        Assert.That(rows.Select(r => r.Experiment.Name), Is.EquivalentTo(new[] { "burst-32-veth", "burst-128-veth", "burst-512-veth", "burst-1000-veth", "burst-2000-veth" }));

        // The shipped profile's probe-only runs wait about twice the host's in rcu_barrier (docs/calibration.md, "Where
        // cleanup_net waits"): the fitted normal grace period under load is long.
        foreach (var (e, host, model) in rows.Where(r => r.Experiment.Name != "burst-32-veth"))
        {
            Assert.That(model.ProbeBarrierMs / host.ProbeBarrierMs, Is.InRange(1.3, 2.6), e.Name);
        }

        Assert.That(CleanupRunComparison.TracedRelease(Path.Combine(Dir, CleanupRunComparison.Folder, "burst-512-veth")), Is.EqualTo(replay.Set.Host.KernelRelease));
        var text = CleanupRunComparison.Render(rows);
        Assert.That(text, Does.Contain("burst-2000-veth").And.Contain("rcu_barrier").And.Contain("CPU ms per netns"));
        Assert.That(CleanupRunComparison.Render([]), Is.Empty, "a session without traces prints nothing");
    }
}
