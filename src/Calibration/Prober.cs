using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NetnsPolicy.Calibration;

/// <summary>
/// Runs the calibration experiments on the host's kernel (docs/calibration.md) and writes them as a
/// <see cref="MeasurementSet"/> plus one workload file per experiment. Needs root and network namespaces. Every
/// namespace and veth it makes is named <c>nnp…</c> and removed in <c>finally</c>, so cancellation (Ctrl-C, SIGTERM)
/// leaves nothing behind.
/// </summary>
public sealed partial class Prober(ProbeOptions options, TimeProvider time, TextWriter log)
{
    private const string NetnsDir = "/run/netns";
    private readonly string _tag = (Environment.ProcessId % 0x10000).ToString("x4", CultureInfo.InvariantCulture);
    private bool _traceNoted;

    /// <summary>Why this host cannot run the probe, or null when it can.</summary>
    public static string? CannotRun()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the probe needs Linux network namespaces; this is " + Environment.OSVersion.Platform;
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "the probe needs root (CAP_SYS_ADMIN for unshare(CLONE_NEWNET), CAP_NET_ADMIN for veth pairs)";
        }

        if (FindOnPath("ip") is null)
        {
            return "the probe needs iproute2's 'ip' on PATH (apt-get install iproute2)";
        }

        try
        {
            using var t = new NetnsThread("nnp-check");
            t.CreateAndRelease();
        }
        catch (ProbeException e)
        {
            return "network namespaces are not available here: " + e.Message;
        }

        return null;
    }

    public MeasurementSet Run(string outDir, string command, CancellationToken token)
    {
        var host = HostInspector.Inspect(time);
        log.WriteLine($"host {host.Hostname}: Linux {host.KernelRelease}, {host.OnlineCpus} online / {host.PossibleCpus} possible CPUs, HZ {host.Hz} ({host.HzSource}), uevent listener: {host.UeventListener}, load average {host.LoadAverage}");
        // The idle host's synchronize_rcu, before any experiment's teardown keeps grace periods busy.
        Settle(token);
        string? gpWhy = "--grace-period-samples 0";
        var gp = options.GracePeriodSamples <= 0 ? null : GracePeriodProbe.Measure(options.GracePeriodSamples, TimeSpan.FromMilliseconds(3), token, out gpWhy);
        if (gp is null)
        {
            log.WriteLine($"grace period: not measured ({gpWhy})");
        }
        else
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"grace period: {gp.Count} synchronize_rcu (membarrier) on the idle host, median {Percentile([.. gp], 0.5):F3} ms"));
            host = host with { SyncRcuIdleMs = Round([.. gp]) };
        }

        var experiments = new List<Experiment>();
        var workloads = Path.Combine(outDir, "workloads");
        Directory.CreateDirectory(workloads);

        var reference = options.ReferenceRuns > 0 ? new ReferenceWork() : null;
        experiments.AddRange(Observed(reference, "", () => [Serial(host, workloads, token)]));
        if (options.CreationGapsMs.Count > 0)
        {
            Settle(token);
            experiments.AddRange(Observed(reference, "creation-gaps", () => CreationGaps(host, workloads, token)));
        }

        Settle(token);
        experiments.AddRange(Observed(reference, "", () => [Memory(host, workloads, token)]));
        foreach (var k in options.ParallelLoops)
        {
            Settle(token);
            experiments.AddRange(Observed(reference, "", () => [Loops(host, workloads, k, Fit($"loops-{k}x{options.LoopCycles}", false), token)]));
        }

        var rates = options.ChurnRates;
        for (var i = 0; i < rates.Count; i++)
        {
            Settle(token);
            experiments.AddRange(Observed(reference, "", () => [Churn(host, workloads, rates[i], Fit(ChurnName(rates[i]), rates.Count < 3 || i != rates.Count / 2), token)]));
        }

        var sizes = options.BurstSizes;
        var heldOutBurst = sizes.Count >= 3 ? sizes.Order().ElementAt(sizes.Count - 2) : sizes.Max();
        for (var i = 0; i < sizes.Count; i++)
        {
            Settle(token);
            // Teardown has a per-batch and a per-device part: two fitted sizes separate them; one size inside the
            // range (the second largest) is held out to test the interpolation, or the largest when there are two.
            experiments.AddRange(Observed(reference, "", () => [Burst(host, workloads, sizes[i], Fit($"burst-{sizes[i]}-veth", sizes.Count == 1 || sizes[i] != heldOutBurst), token)]));
        }

        var set = new MeasurementSet { Host = host, Command = command, Experiments = experiments, PeerObserver = "rtnetlink" };
        set.Save(outDir);
        // The kernel's init/exit functions: which pernet ops this host has (HostPernetOps).
        if (File.Exists("/proc/kallsyms"))
        {
            using var kallsyms = new StreamReader("/proc/kallsyms");
            File.WriteAllLines(Path.Combine(outDir, HostPernetOps.SymbolsFile), [$"# init/exit text symbols of /proc/kallsyms, Linux {host.KernelRelease}, {host.TakenAt:yyyy-MM-dd}", .. HostPernetOps.ReadKallsyms(kallsyms)]);
        }

        return set;
    }

    /// <summary>
    /// Runs experiments with the machine's CPU accounting read before and after and the reference work timed just before
    /// (<see cref="HostActivity"/>); each experiment gets the block's activity. Where /proc/stat cannot be read the
    /// experiments go without it.
    /// </summary>
    private List<Experiment> Observed(ReferenceWork? reference, string block, Func<List<Experiment>> run)
    {
        var refRuns = reference?.Measure(options.ReferenceRuns) ?? ReferenceRuns.None;
        var before = CpuTimes.Read();
        var start = Stopwatch.GetTimestamp();
        var experiments = run();
        var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (before is not { } b || CpuTimes.Read() is not { } a)
        {
            return experiments;
        }

        var activity = HostActivity.Between(b, a, wall, refRuns, block);
        log.WriteLine("  " + ReferenceWork.Describe(activity));
        return experiments.ConvertAll(e => e with { HostActivity = activity });
    }

    /// <summary>Whether calibrate may fit the experiment: <see cref="ProbeOptions.HeldOut"/> when given, else the default.</summary>
    private bool Fit(string name, bool byDefault) => options.HeldOut is { } h ? !h.Contains(name) : byDefault;

    private Experiment Serial(HostInfo host, string workloads, CancellationToken token)
    {
        var n = options.SerialCycles;
        log.WriteLine($"serial: {n} create/destroy cycles");
        var creations = new List<Stretch>(n);
        var start = Stopwatch.GetTimestamp();
        using (var t = new NetnsThread("nnp-serial"))
        {
            for (var i = 0; i < n; i++)
            {
                token.ThrowIfCancellationRequested();
                creations.Add(t.CreateAndRelease().Creation);
            }
        }

        var name = $"serial-{n}";
        WriteWorkload(workloads, name, host, $"{n} serial cycles: unshare(CLONE_NEWNET), then setns back to the host netns (releases it).", new JsonObject
        {
            ["loops"] = new JsonObject { ["count"] = 1, ["cycles"] = n },
        });
        return CreationExperiment(name, "serial", fit: true, creations, start, LoadAverage());
    }

    internal static string GapName(double pauseMs) => string.Create(CultureInfo.InvariantCulture, $"gap-{pauseMs:G}ms");

    /// <summary>
    /// Serial create/destroy cycles on one thread, each after a pause (<see cref="ProbeOptions.CreationGapsMs"/>), the
    /// pauses shuffled together (seed 1) so that the host's drift falls on all alike; one experiment per pause. What
    /// the workload replays between creations is the measured time from one cycle's setns back to the next unshare
    /// (the sleep and the thread's wake-up), as <c>loops.gap_quantiles_ms</c>. The creations' CPU time against the
    /// pause measures how the creation path cools (<see cref="CreationCacheFit"/>).
    /// </summary>
    private List<Experiment> CreationGaps(HostInfo host, string workloads, CancellationToken token)
    {
        var pauses = options.CreationGapsMs;
        var n = options.GapCycles;
        log.WriteLine($"creation gaps: {n} serial create/destroy cycles after each pause of {string.Join(", ", pauses.Select(p => p.ToString(CultureInfo.InvariantCulture)))} ms, interleaved");
        var order = Enumerable.Range(0, pauses.Count).SelectMany(i => Enumerable.Repeat(i, n)).ToArray();
        new Random(1).Shuffle(order);
        var creations = pauses.Select(_ => new List<Stretch>(n)).ToArray();
        var outside = pauses.Select(_ => new List<double>(n)).ToArray();
        var load = LoadAverage();
        var start = Stopwatch.GetTimestamp();
        using (var t = new NetnsThread("nnp-gaps"))
        {
            // One cycle without a measurement first: the first pause needs a cycle before it.
            var (_, previous) = t.PauseThenCreateAndRelease(0);
            foreach (var i in order)
            {
                token.ThrowIfCancellationRequested();
                var (creation, action) = t.PauseThenCreateAndRelease(pauses[i]);
                creations[i].Add(creation);
                outside[i].Add(Math.Max(0, creation.StartMsFrom(previous.StartTicks) - previous.WallMs));
                previous = action;
            }
        }

        var experiments = new List<Experiment>(pauses.Count);
        for (var i = 0; i < pauses.Count; i++)
        {
            var name = GapName(pauses[i]);
            WriteWorkload(workloads, name, host, string.Create(CultureInfo.InvariantCulture, $"{n} serial cycles, each after a pause of {pauses[i]:G} ms: unshare(CLONE_NEWNET), then setns back to the host netns; between creations the loop waits as the probe's did (gap_quantiles_ms, measured from setns back to the next unshare)."), new JsonObject
            {
                ["loops"] = new JsonObject { ["count"] = 1, ["cycles"] = n, ["gap_quantiles_ms"] = new JsonArray([.. GapQuantiles(outside[i]).Select(x => JsonValue.Create(x))]) },
            });
            var e = CreationExperiment(name, CreationCacheFit.Kind, fit: true, creations[i], start, load);
            experiments.Add(e with { Samples = new Dictionary<string, IReadOnlyList<double>>(e.Samples) { ["outside_ms"] = Round(outside[i]) } });
        }

        return experiments;
    }

    private Experiment Memory(HostInfo host, string workloads, CancellationToken token)
    {
        var n = options.MemoryNetns;
        log.WriteLine($"memory: {n} namespaces held at once, kernel memory (slab, percpu, vmalloc) before and after (median of 3 rounds)");
        var perNet = new List<double>();
        using var t = new NetnsThread("nnp-memory");
        for (var round = 0; round < 3; round++)
        {
            var fds = new List<int>(n);
            try
            {
                var before = KernelMemoryKb();
                for (var i = 0; i < n; i++)
                {
                    token.ThrowIfCancellationRequested();
                    fds.Add(t.CreateAndHold());
                }

                var after = KernelMemoryKb();
                perNet.Add((after - before) * 1024.0 / n);
            }
            finally
            {
                foreach (var fd in fds)
                {
                    Native.close(fd);
                }
            }

            Settle(token);
        }

        var name = $"memory-{n}";
        WriteWorkload(workloads, name, host, $"{n} namespaces (lo only) created, held, then released at once: memory per netns.", new JsonObject
        {
            ["burst"] = new JsonObject { ["count"] = n, ["destroy_after_ms"] = 10 },
        });
        return new Experiment
        {
            Name = name,
            Kind = "memory",
            Workload = $"workloads/{name}.json",
            Fit = true,
            Quantities = [Q(Quantities.BytesPerNetns, Percentile(perNet, 0.5), "bytes")],
            Samples = new Dictionary<string, IReadOnlyList<double>> { ["bytes_per_netns"] = Round(perNet) },
        };
    }

    internal Experiment Burst(HostInfo host, string workloads, int n, bool fit, CancellationToken token)
    {
        log.WriteLine($"burst: {n} namespaces with a veth pair (peer in the host), destroyed at once; a creation probe every {options.ProbeIntervalMs} ms; {options.Repeats} runs");
        var runs = new List<BurstRun>();
        var loads = new List<double>();
        for (var r = 0; r < options.Repeats; r++)
        {
            if (r > 0)
            {
                Settle(token);
            }

            loads.Add(LoadAverage());
            runs.Add(BurstOnce(n, null, token));
        }

        // A large burst's kernel profile (the seed thread's method) comes from runs of its own after the timed ones:
        // perf's sampling costs the teardown a little CPU, which the timed quantities must not carry. Their profiles
        // are pooled (PerfFileName), so one run's scheduling (how the releases fell into batches) weighs 1/PerfRuns.
        string? perfFile = null;
        var perfRuns = new List<BurstRun>();
        var pooled = 0;
        if (options.PerfMinBurst > 0 && n >= options.PerfMinBurst && options.PerfRuns > 0 && PerfRecorder.Find() is not null)
        {
            var dir = Path.GetDirectoryName(workloads)!;
            var folded = new List<FoldedStacks>();
            for (var r = 0; r < options.PerfRuns; r++)
            {
                Settle(token);
                var file = Path.Combine(dir, PerfRunFileName(n, r));
                perfRuns.Add(BurstOnce(n, file, token));
                if (File.Exists(file))
                {
                    folded.Add(FoldedStacks.Load(file));
                }
            }

            if (folded.Count > 0)
            {
                perfFile = Path.Combine(dir, PerfFileName(n));
                FoldedStacks.Merge(folded).Save(perfFile);
                pooled = folded.Count;
            }
        }

        // Medians over the runs: on a shared machine one run can be slowed by anything else that runs.
        var probeMs = runs.SelectMany(r => r.ProbeMs).ToList();
        var name = $"burst-{n}-veth";
        var windows = runs.Select(r => r.Window()).ToList();
        WriteWorkload(workloads, name, host, $"{n} netns, each with a veth pair whose peer is in the host, destroyed at once while a probe creates a netns every {options.ProbeIntervalMs} ms.", new JsonObject
        {
            ["burst"] = new JsonObject { ["count"] = n, ["devices"] = new JsonObject { ["veth_pairs"] = 1 }, ["create_parallelism"] = 1, ["destroy_after_ms"] = 10, ["release"] = "umount", ["profile_after_peers_gone_ms"] = AfterTeardownMs(n) },
            ["probe"] = new JsonObject { ["interval_ms"] = options.ProbeIntervalMs, ["stop_ms"] = Math.Round(Percentile(runs.Select(r => r.ProbeRanMs).ToList(), 0.5), 1) },
        });
        return new Experiment
        {
            Name = name,
            Kind = "burst",
            Workload = $"workloads/{name}.json",
            Fit = fit,
            Quantities =
            [
                Q(Quantities.PeersGoneSeconds, Percentile(runs.Select(r => r.Gone.Max()).ToList(), 0.5), "s"),
                Q(Quantities.PeersGoneCv, Spread.Cv(runs.Select(r => r.Gone.Max()).ToList()), "1"),
                Q(Quantities.ReleaseSeconds, Percentile(runs.Select(r => r.ReleaseS).ToList(), 0.5), "s"),
                Q(Quantities.CreationMsP50, Percentile(runs.Select(r => Percentile(r.ProbeMs, 0.5)).ToList(), 0.5), "ms"),
                Q(Quantities.CreationMsP90, Percentile(runs.Select(r => Percentile(r.ProbeMs, 0.9)).ToList(), 0.5), "ms"),
                Q(Quantities.CreationMsP99, Percentile(runs.Select(r => Percentile(r.ProbeMs, 0.99)).ToList(), 0.5), "ms"),
                Q(Quantities.CreationMsMax, Percentile(runs.Select(r => r.ProbeMs.Max()).ToList(), 0.5), "ms"),
                Q(Quantities.CreationMsCv, Percentile(runs.Select(r => Spread.CvOfSamples(r.ProbeMs)).ToList(), 0.5), "1"),
                .. ProbeWindows.Quantities(Quantities.TeardownPrefix, windows.ConvertAll(w => w.Teardown)),
                .. ProbeWindows.Quantities(Quantities.CreatePhasePrefix, windows.ConvertAll(w => w.CreatePhase)),
            ],
            Perf = perfFile is null ? null : Path.GetFileName(perfFile),
            // The runs whose profiles the pool holds (a run whose perf failed to start has none).
            PerfRuns = perfFile is null ? null : pooled,
            Repeats = runs.Count,
            Samples = new Dictionary<string, IReadOnlyList<double>>
            {
                ["probe_creation_ms"] = Round(probeMs),
                ["peers_gone_s_per_run"] = Round(runs.Select(r => r.Gone.Max()).ToList()),
                ["peer_gone_s_first_run"] = Round(runs[0].Gone.Order().ToList()),
                ["load_average_per_run"] = loads,
                ["release_s_per_run"] = Round(runs.Select(r => r.ReleaseS).ToList()),
                // Per probe creation, in the order of probe_creation_ms: its run, its start relative to that run's
                // release, its CPU time and run-queue wait (ThreadClock); wall − CPU − run-queue wait = blocked.
                ["probe_run"] = runs.SelectMany((r, i) => r.Probe.Select(_ => (double)i)).ToList(),
                ["probe_start_ms"] = Round(runs.SelectMany(r => r.Probe.Select(c => c.StartMsFrom(r.ReleasedTicks))).ToList()),
                ["probe_cpu_ms"] = Round(runs.SelectMany(r => r.Probe.Select(c => c.CpuMs)).ToList()),
                ["probe_runqueue_ms"] = Round(runs.SelectMany(r => r.Probe.Select(c => c.RunQueueMs)).ToList()),
                // The perf-sampled runs' teardowns, apart: not in the quantities.
                ["perf_peers_gone_s_per_run"] = Round(perfRuns.Select(r => r.Gone.Max()).ToList()),
                // cleanup_net's batches in the timed runs (CleanupBatchTrace; empty where tracefs was not available),
                // relative to the run's release, with the nets each took: how the release was split.
                ["cleanup_batch_run"] = runs.SelectMany((r, i) => r.Batches.Select(_ => (double)i)).ToList(),
                ["cleanup_batch_start_ms"] = Round(runs.SelectMany(r => r.Batches.Select(b => b.StartMs)).ToList()),
                ["cleanup_batch_end_ms"] = Round(runs.SelectMany(r => r.Batches.Select(b => b.EndMs)).ToList()),
                ["cleanup_batch_burst_nets"] = runs.SelectMany(r => r.Batches.Select(b => (double)b.BurstNets)).ToList(),
                ["cleanup_batch_probe_nets"] = runs.SelectMany(r => r.Batches.Select(b => (double)b.ProbeNets)).ToList(),
                // The release's umounts per run: the median's µs; those over 1 ms, their count, total and first start.
                ["umount_us_p50_per_run"] = Round(runs.Select(r => r.Umounts.MedianUs).ToList()),
                ["umount_stalls_per_run"] = runs.Select(r => (double)r.Umounts.Stalls).ToList(),
                ["umount_stalled_ms_per_run"] = Round(runs.Select(r => r.Umounts.StalledMs).ToList()),
                ["umount_first_stall_ms_per_run"] = Round(runs.Select(r => r.Umounts.FirstStallMs).ToList()),
            },
        };
    }

    /// <summary>
    /// How long the creation probe (and perf) go on after the last host-side peer left: 50 ms and 0.5 ms per netns.
    /// A batch's veth peers go in the RTNL phase, before any op's plain exit: since 6.16 net/core/net_namespace.c's
    /// ops_undo_list runs every op's pre_exit, synchronize_rcu_expedited, then under RTNL every exit_rtnl and one
    /// unregister_netdevice_many, and only then the ops' exit callbacks (reverse registration order) — on this VM's
    /// 6.18 ≈ 0.33 ms per netns in the perf profiles. With 50 ms alone the last batch's exits fell outside the window,
    /// so the host profile held only the first batch's (docs/calibration.md, "ninth round"). The replay's window
    /// closes as long after the last peer (the workload's <c>profile_after_peers_gone_ms</c>): both sides cover the
    /// whole teardown.
    /// </summary>
    internal static int AfterTeardownMs(int n) => 50 + (n / 2);

    /// <summary>The pooled perf profile of a burst's perf-sampled runs (relative to the measurement folder).</summary>
    internal static string PerfFileName(int n) => $"perf-burst-{n}-veth.folded";

    /// <summary>One perf-sampled run's profile, kept beside the pool.</summary>
    internal static string PerfRunFileName(int n, int run) => PerfRunFileName(PerfFileName(n), run);

    /// <summary>One perf-sampled run's profile beside the pool <paramref name="pooled"/> (a file name or path).</summary>
    internal static string PerfRunFileName(string pooled, int run) => Path.ChangeExtension(pooled, $".run{run}.folded");

    private BurstRun BurstOnce(int n, string? perfFile, CancellationToken token)
    {
        var names = Enumerable.Range(0, n).Select(i => $"nnp-{_tag}-{i}").ToArray();
        var peers = Enumerable.Range(0, n).Select(i => $"nnp{_tag}h{i}").ToArray();
        var probeCreations = new List<Stretch>();
        var gone = new List<double>();
        var probeStarted = Stopwatch.GetTimestamp();
        var probeRanMs = 0.0;
        var releaseS = 0.0;
        var released = 0L;
        using var stopProbe = CancellationTokenSource.CreateLinkedTokenSource(token);
        Task? probe = null;
        PerfRecorder? perf = null;
        CleanupBatchTrace? trace = null;
        IReadOnlyList<(long Start, long End)> traced = [];
        var releasedAt = new long[n];
        try
        {
            // Traced from before the creation phase, so the batch running at the release is in the trace too.
            if (perfFile is null && options.TraceBatches)
            {
                trace = CleanupBatchTrace.Start(_tag, out var why);
                if (why is not null && !_traceNoted)
                {
                    log.WriteLine($"note: cleanup_net batches not traced ({why})");
                    _traceNoted = true;
                }
            }

            probe = Task.Factory.StartNew(() => Probe(probeCreations, stopProbe.Token), TaskCreationOptions.LongRunning);
            var lines = new List<string>();
            for (var i = 0; i < n; i++)
            {
                lines.Add($"netns add {names[i]}");
                lines.Add($"link add {peers[i]} type veth peer name eth0 netns {names[i]}");
            }

            IpBatch(lines, token);
            Thread.Sleep(10);
            // The teardown's observer: RTM_DELLINK notifications, not a stat of every peer's sysfs directory (which took
            // kernfs_rwsem against the teardown's sysfs removal: LinkMonitor). Opened after the creations, whose
            // RTM_NEWLINKs are discarded here.
            using var monitor = new LinkMonitor();
            monitor.Drain(_ => { });
            perf = perfFile is null ? null : PerfRecorder.Start(perfFile + ".data", log);
            // Destroyed at once: unmount every nsfs bind mount, which drops each netns's last reference (when its
            // umount returns: nsfs_evict → put_net puts it on cleanup_list).
            released = Stopwatch.GetTimestamp();
            for (var i = 0; i < n; i++)
            {
                Native.umount2(Path.Combine(NetnsDir, names[i]), Native.MntDetach);
                releasedAt[i] = Stopwatch.GetTimestamp();
                File.Delete(Path.Combine(NetnsDir, names[i]));
            }

            // How long the release itself took: the netns reach cleanup_net's list over this stretch, not at one
            // instant, which decides how the kernel batches them (docs/calibration.md).
            releaseS = Stopwatch.GetElapsedTime(released).TotalSeconds;
            var remaining = new HashSet<string>(peers, StringComparer.Ordinal);
            while (remaining.Count > 0)
            {
                token.ThrowIfCancellationRequested();
                if (Stopwatch.GetElapsedTime(released) > options.TeardownTimeout)
                {
                    throw new ProbeException($"{remaining.Count} host-side veth peers still present {options.TeardownTimeout.TotalSeconds} s after the release");
                }

                var complete = monitor.Drain(name =>
                {
                    if (remaining.Remove(name))
                    {
                        gone.Add(Stopwatch.GetElapsedTime(released).TotalSeconds);
                    }
                });
                if (!complete)
                {
                    // Notifications were dropped (the receive buffer overflowed): look once in sysfs for what is gone.
                    log.WriteLine($"warning: rtnetlink dropped link notifications; {remaining.Count} peers checked in /sys/class/net once");
                    remaining.RemoveWhere(p =>
                    {
                        if (Directory.Exists("/sys/class/net/" + p))
                        {
                            return false;
                        }

                        gone.Add(Stopwatch.GetElapsedTime(released).TotalSeconds);
                        return true;
                    });
                }

                Thread.Sleep(1);
            }

            // The probe goes on a little past the teardown, as the simulated probe runs until the workload drains; perf
            // stops then (the replay's profile window closes as long after the last peer: profile_after_peers_gone_ms).
            token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(AfterTeardownMs(n)));
            perf?.StopAndFold(perfFile!);
            traced = trace?.Stop() ?? [];
        }
        finally
        {
            trace?.Dispose();
            perf?.Dispose();
            stopProbe.Cancel();
            probeRanMs = Stopwatch.GetElapsedTime(probeStarted).TotalMilliseconds;
            try
            {
                probe?.Wait(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
            catch (AggregateException)
            {
                // Reported below; a failure here must not hide the one that brought us to finally.
            }

            RemoveLeftovers(names, peers);
        }

        if (probe is { IsFaulted: true })
        {
            throw new ProbeException("the creation probe failed: " + probe.Exception!.InnerException!.Message);
        }

        var probeReleased = probeCreations.ConvertAll(c => c.StartTicks + (long)(c.WallMs * Stopwatch.Frequency / 1000));
        return new BurstRun(gone, probeCreations, released, probeRanMs, releaseS) { Batches = BatchSplit.Of(traced, released, releasedAt, probeReleased), Umounts = BatchSplit.Umounts(released, releasedAt) };
    }

    private sealed record BurstRun(List<double> Gone, List<Stretch> Probe, long ReleasedTicks, double ProbeRanMs, double ReleaseS)
    {
        /// <summary>cleanup_net's batches traced from before the creation phase on (none where not traced).</summary>
        public IReadOnlyList<BatchSplit> Batches { get; init; } = [];

        /// <summary>The release's umount times (<see cref="BatchSplit.Umounts"/>).</summary>
        public UmountTimes Umounts { get; init; }

        public List<double> ProbeMs { get; } = Probe.ConvertAll(c => c.WallMs);

        /// <summary>The probe's creation latencies by when they started: during the teardown, before the release.</summary>
        public ProbeWindows Window()
        {
            var starts = Probe.ConvertAll(c => c.StartMsFrom(ReleasedTicks) / 1000);
            return ProbeWindows.Split(starts, ProbeMs, Gone.Max());
        }
    }

    /// <summary>The creation probe: one unshare every interval, from before the burst's creation to the end of its teardown.</summary>
    private void Probe(List<Stretch> creations, CancellationToken token)
    {
        using var t = new NetnsThread("nnp-probe");
        var interval = TimeSpan.FromMilliseconds(options.ProbeIntervalMs);
        while (!token.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            creations.Add(t.CreateAndRelease().Creation);
            var rest = interval - Stopwatch.GetElapsedTime(start);
            if (rest > TimeSpan.Zero)
            {
                token.WaitHandle.WaitOne(rest);
            }
        }
    }

    private static void IpBatch(List<string> lines, CancellationToken token, bool force = false)
    {
        var psi = new ProcessStartInfo("ip", force ? ["-force", "-batch", "-"] : ["-batch", "-"]) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi) ?? throw new ProbeException("could not start ip");
        foreach (var l in lines)
        {
            p.StandardInput.WriteLine(l);
        }

        p.StandardInput.Close();
        var err = p.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            p.WaitForExitAsync(token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Stop ip before the caller cleans up, or it would go on creating namespaces behind the cleanup.
            p.Kill();
            p.WaitForExit();
            throw;
        }

        if (p.ExitCode != 0)
        {
            throw new ProbeException("ip -batch failed: " + err.GetAwaiter().GetResult().Trim());
        }
    }

    /// <summary>Removes whatever a burst left: netns mounts, then host veths (deleting one end deletes the pair).</summary>
    private void RemoveLeftovers(string[] names, string[] peers)
    {
        foreach (var ns in names)
        {
            var path = Path.Combine(NetnsDir, ns);
            if (File.Exists(path))
            {
                Native.umount2(path, Native.MntDetach);
                File.Delete(path);
            }
        }

        // Unmounting started those namespaces' teardown, which deletes their pairs too: a peer may vanish between the
        // check and the delete, so ip goes on past errors (-force) and only peers still present afterwards count.
        var left = peers.Where(p => Directory.Exists("/sys/class/net/" + p)).Select(p => $"link del {p}").ToList();
        if (left.Count > 0)
        {
            try
            {
                IpBatch(left, CancellationToken.None, force: true);
            }
            catch (ProbeException)
            {
            }

            var still = peers.Count(p => Directory.Exists("/sys/class/net/" + p));
            if (still > 0)
            {
                log.WriteLine($"warning: {still} veth peers named nnp{_tag}h* could not be removed");
            }
        }
    }

    /// <summary>Lets the previous experiment's teardown finish before the next one starts.</summary>
    private static void Settle(CancellationToken token) => token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1.5));

    private static void WriteWorkload(string dir, string name, HostInfo host, string description, JsonObject body)
    {
        var w = new JsonObject
        {
            ["format_version"] = 1,
            ["name"] = name,
            ["description"] = description,
            ["machine"] = new JsonObject
            {
                ["cpus"] = host.OnlineCpus,
                ["possible_cpus"] = host.PossibleCpus,
                ["hz"] = host.Hz > 0 ? host.Hz : 250,
                ["kernel_profile"] = EraSelector.ForKernel(host.KernelRelease),
                ["uevent_listeners"] = new JsonObject { ["host"] = host.UeventListener },
            },
        };
        foreach (var (k, v) in body.ToList())
        {
            body.Remove(k);
            w[k] = v;
        }

        w["stop"] = new JsonObject { ["mode"] = "drain", ["max_simulated_seconds"] = 600 };
        w["seed"] = 1;
        File.WriteAllText(Path.Combine(dir, name + ".json"), w.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Kernel memory a netns can hold: slab (struct net, per-net tables, sockets, sysfs/proc nodes), per-CPU data and
    /// vmalloc. MemFree would also move with the page cache of whatever else runs; these counters do not.
    /// </summary>
    private static long KernelMemoryKb()
    {
        var samples = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            samples.Add(File.ReadLines("/proc/meminfo")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length >= 2 && f[0] is "SUnreclaim:" or "SReclaimable:" or "Percpu:" or "VmallocUsed:")
                .Sum(f => long.Parse(f[1], CultureInfo.InvariantCulture)));
            Thread.Sleep(20);
        }

        samples.Sort();
        return samples[1];
    }

    private static MeasuredQuantity Q(string name, double value, string unit) => new(name, Math.Round(value, 6), unit);

    private static List<double> Round(IEnumerable<double> xs) => xs.Select(x => Math.Round(x, 4)).ToList();

    internal static double Percentile(IReadOnlyList<double> xs, double q)
    {
        if (xs.Count == 0)
        {
            return 0;
        }

        var s = xs.Order().ToArray();
        return s[Math.Clamp((int)Math.Ceiling(q * s.Length) - 1, 0, s.Length - 1)];
    }

    private static string? FindOnPath(string exe) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin"])
            .Select(d => Path.Combine(d, exe))
            .FirstOrDefault(File.Exists);
}
