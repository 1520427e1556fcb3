using NetnsPolicy.Calibration;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>The probe on this machine's kernel: runs only as root with network namespaces (it creates real ones).</summary>
[TestFixture]
[NonParallelizable]
public sealed class ProberTests
{
    private static readonly string[] ExpectedKinds = ["serial", "gap", "gap", "gap", "memory", "loops", "churn", "burst"];
    private string _dir = "";

    [SetUp]
    public void RequireNetns()
    {
        Assume.That(Prober.CannotRun(), Is.Null, "needs root and network namespaces");
        _dir = Path.Combine(Path.GetTempPath(), "nnp-probe-" + Guid.NewGuid().ToString("N")[..8]);
    }

    [TearDown]
    public void Remove()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>
    /// cleanup_net's batches traced during a burst (where tracefs is there): every burst net in exactly one batch that
    /// started after the release began, in time order, the one with the last of them ended (a batch of probe nets may
    /// still run when tracing stops).
    /// </summary>
    [Test]
    [CancelAfter(60_000)]
    public void Burst_TracedBatches_TakeEveryBurstNetOnce()
    {
        Assume.That(File.Exists("/sys/kernel/tracing/trace") || Directory.Exists("/sys/kernel/tracing"), "needs tracefs");
        var options = new ProbeOptions { BurstSizes = [40], ProbeIntervalMs = 5, Repeats = 1, PerfMinBurst = 0 };
        var burst = new Prober(options, TimeProvider.System, TextWriter.Null).Burst(HostInspector.Inspect(TimeProvider.System), Directory.CreateDirectory(Path.Combine(_dir, "workloads")).FullName, 40, fit: true, CancellationToken.None);
        var starts = burst.Samples["cleanup_batch_start_ms"];
        var nets = burst.Samples["cleanup_batch_burst_nets"];

        Assume.That(starts, Is.Not.Empty, "tracefs or its .function filter is not available here");
        Assert.That(nets.Sum(), Is.EqualTo(40));
        Assert.That(starts, Is.Ordered);
        Assert.That(starts.Zip(nets).Where(p => p.Second > 0).Select(p => p.First), Has.All.GreaterThanOrEqualTo(0));
        var last = nets.ToList().FindLastIndex(x => x > 0);
        Assert.That(burst.Samples["cleanup_batch_end_ms"][last], Is.GreaterThan(starts[last]), "the batch with the last burst nets ended before the probe stopped");
        Assert.That(Directory.Exists("/sys/kernel/tracing/instances") ? Directory.GetDirectories("/sys/kernel/tracing/instances", "nnp-*") : [], Is.Empty, "the probe's tracefs instance is removed");
    }

    [Test]
    [CancelAfter(60_000)]
    public void Run_SmallExperiments_WritesMeasurementsAndLeavesNothing()
    {
        var options = new ProbeOptions
        {
            SerialCycles = 10, BurstSizes = [6], MemoryNetns = 5, ProbeIntervalMs = 5, Repeats = 2,
            ParallelLoops = [2], LoopCycles = 5, ChurnRates = [50], ChurnDurationMs = 300, ChurnLifetimeMs = 50, PerfMinBurst = 0,
            CreationGapsMs = [0, 2, 10], GapCycles = 6,
        };
        var set = new Prober(options, TimeProvider.System, TextWriter.Null).Run(_dir, "test", CancellationToken.None);
        var burst = set.Experiments.Single(e => e.Kind == "burst");

        Assert.That(set.Experiments.Select(e => e.Kind), Is.EqualTo(ExpectedKinds));
        Assert.That(set.Experiments.Select(e => e.HostActivity), Has.All.Not.Null, "/proc/stat and the reference work around every experiment");
        Assert.That(set.Experiments.Select(e => e.HostActivity!.ReferenceComputeMs.Count), Has.All.EqualTo(new ProbeOptions().ReferenceRuns));
        Assert.That(set.Experiments.Where(e => e.Kind == "gap").Select(e => e.HostActivity!.Block).Distinct(), Is.EqualTo(new[] { "creation-gaps" }), "the interleaved gaps are one block");
        Assert.That(set.Experiments.Select(e => e.HostActivity!.WallMs), Has.All.GreaterThan(0));
        Assert.That(burst.Quantities.Single(q => q.Name == Quantities.PeersGoneSeconds).Value, Is.GreaterThan(0).And.LessThan(60));
        Assert.That(burst.Samples["peer_gone_s_first_run"], Has.Count.EqualTo(6), "every peer's RTM_DELLINK seen");
        Assert.That(set.PeerObserver, Is.EqualTo("rtnetlink"));
        Assert.That(burst.Samples["peers_gone_s_per_run"], Has.Count.EqualTo(2));
        Assert.That(new Replay(_dir, MeasurementSet.Load(_dir)).Set.Experiments, Has.Count.EqualTo(8), "every workload file loads");
        Assert.That(set.Experiments.Single(e => e.Kind == "churn").Quantities.Select(q => q.Name), Has.Member(Quantities.CreationMsCv));
        foreach (var e in set.Experiments.Where(e => e.Kind is "serial" or "loops" or "churn"))
        {
            Assert.That(e.Samples["creation_cpu_ms"], Has.Count.EqualTo(e.Samples["creation_ms"].Count), e.Name + ": CPU time per creation");
            Assert.That(e.Samples["creation_runqueue_ms"], Has.All.GreaterThanOrEqualTo(0), e.Name);
            Assert.That(e.Samples["creation_start_ms"], Is.Ordered, e.Name + ": in start order");
        }

        // The creation gaps: each pause's creations, the time before each at least the pause slept, the workload
        // replaying what was measured, and the recursion measurable from them.
        var gaps = set.Experiments.Where(e => e.Kind == CreationCacheFit.Kind).ToList();
        Assert.That(gaps.Select(e => e.Name), Is.EqualTo(new[] { "gap-0ms", "gap-2ms", "gap-10ms" }));
        foreach (var (e, pause) in gaps.Zip(new[] { 0.0, 2, 10 }))
        {
            Assert.That(e.Samples["creation_ms"], Has.Count.EqualTo(6), e.Name);
            Assert.That(e.Samples["outside_ms"], Has.Count.EqualTo(6).And.All.GreaterThanOrEqualTo(pause), e.Name + ": the pause before each creation, measured");
            Assert.That(new Replay(_dir, MeasurementSet.Load(_dir)).Workload(e).Loops!.GapQuantilesMs![0], Is.GreaterThanOrEqualTo(pause), e.Name);
        }

        Assert.That(gaps.SelectMany(e => e.Samples["creation_start_ms"]).Distinct().Count(), Is.EqualTo(18), "one sequence: every creation its own start");
        Assert.That(CreationCacheFit.Measure(set)!.Spec.ColdFactor, Is.InRange(1.0, 4.0));

        var loops = set.Experiments.Single(e => e.Kind == "loops");
        Assert.That(loops.Samples["cycle_ms"].Zip(loops.Samples["creation_ms"], (c, m) => c - m), Has.All.GreaterThanOrEqualTo(-1e-3), "a cycle holds its creation");
        Assert.That(new Replay(_dir, MeasurementSet.Load(_dir)).Workload(loops).Loops!.GapQuantilesMs, Has.Count.EqualTo(101), "the loop's measured gap is its workload's input");
        Assert.That(burst.Samples["probe_start_ms"], Has.Count.EqualTo(burst.Samples["probe_creation_ms"].Count));
        Assert.That(burst.Samples["probe_start_ms"].Min(), Is.LessThan(0), "the probe starts before the release");
        AssertNothingLeft();
    }

    [Test]
    [CancelAfter(60_000)]
    public void Burst_PerfRuns_ApartFromTheTimedRunsAndPooled()
    {
        if (PerfRecorder.Find() is null)
        {
            Assert.Ignore("perf is not installed (scripts/deps/perf.sh installs it)");
        }

        var prober = new Prober(new ProbeOptions { ProbeIntervalMs = 5, Repeats = 2, PerfMinBurst = 4, PerfRuns = 2 }, TimeProvider.System, TextWriter.Null);
        var workloads = Path.Combine(_dir, "workloads");
        Directory.CreateDirectory(workloads);

        var burst = prober.Burst(HostInspector.Inspect(TimeProvider.System), workloads, 4, fit: true, CancellationToken.None);

        Assert.That(burst.Perf, Is.EqualTo("perf-burst-4-veth.folded"));
        Assert.That(burst.PerfRuns, Is.EqualTo(2));
        Assert.That(burst.Repeats, Is.EqualTo(2), "the perf-sampled runs are not among the timed ones");
        Assert.That(burst.Samples["peers_gone_s_per_run"], Has.Count.EqualTo(2));
        Assert.That(burst.Samples["perf_peers_gone_s_per_run"], Has.Count.EqualTo(2));
        var runs = new[] { 0, 1 }.Select(r => FoldedStacks.Load(Path.Combine(_dir, $"perf-burst-4-veth.run{r}.folded"))).ToList();
        var pooled = FoldedStacks.Load(Path.Combine(_dir, burst.Perf!)); // beside workloads/, as measurements.json names it
        Assert.That(pooled.TotalSamples, Is.EqualTo(runs.Sum(r => r.TotalSamples)).And.GreaterThan(0));
        Assert.That(pooled.Stacks.Values.Sum(), Is.EqualTo(runs.Sum(r => r.Stacks.Values.Sum())));
        var workload = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(workloads, "burst-4-veth.json")))!;
        Assert.That((int)workload["burst"]!["profile_after_peers_gone_ms"]!, Is.EqualTo(Prober.AfterTeardownMs(4)).And.EqualTo(52), "the replay's window closes as the probe's did");
        AssertNothingLeft();
    }

    [Test]
    [CancelAfter(60_000)]
    public void Burst_CancelledMidway_RemovesEverythingItCreated()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
        var prober = new Prober(new ProbeOptions { ProbeIntervalMs = 5 }, TimeProvider.System, TextWriter.Null);
        Directory.CreateDirectory(_dir);

        Assert.That(() => prober.Burst(HostInspector.Inspect(TimeProvider.System), _dir, 600, fit: false, cts.Token), Throws.InstanceOf<OperationCanceledException>());
        AssertNothingLeft();
    }

    private static void AssertNothingLeft()
    {
        var tag = "nnp" + (Environment.ProcessId % 0x10000).ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns", "nnp-*") : [], Is.Empty, "netns mounts");
        Assert.That(Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).Where(n => n!.StartsWith(tag, StringComparison.Ordinal)), Is.Empty, "host veth peers");
    }
}
