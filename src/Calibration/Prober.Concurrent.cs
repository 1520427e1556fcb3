using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace NetnsPolicy.Calibration;

/// <summary>The experiments with concurrent creators: parallel loops and Poisson churn.</summary>
public sealed partial class Prober
{
    internal static string ChurnName(double rate) => string.Create(CultureInfo.InvariantCulture, $"churn-{rate:G}");

    /// <summary>k threads, each running serial create/destroy cycles at once (the workload's <c>loops</c>).</summary>
    private Experiment Loops(HostInfo host, string workloads, int k, bool fit, CancellationToken token)
    {
        var n = options.LoopCycles;
        log.WriteLine($"loops: {k} parallel loops of {n} create/destroy cycles");
        var load = LoadAverage();
        var perLoop = new List<LoopCycle>[k];
        var threads = new Thread[k];
        Exception? failure = null;
        var start = Stopwatch.GetTimestamp();
        for (var j = 0; j < k; j++)
        {
            var cycles = perLoop[j] = new List<LoopCycle>(n);
            threads[j] = new Thread(() =>
            {
                try
                {
                    using var t = new NetnsThread("nnp-loop");
                    using var clock = new ThreadClock();
                    for (var i = 0; i < n && !token.IsCancellationRequested; i++)
                    {
                        // The cycle as the loop sees it: post to the netns thread, which creates (timed) and setns back,
                        // then wait to be handed the result (two wake-ups besides the syscalls).
                        var before = clock.Read();
                        var (creation, action) = t.CreateAndRelease();
                        cycles.Add(new LoopCycle(before.To(clock.Read()), creation, action));
                    }
                }
                catch (ProbeException e)
                {
                    failure = e;
                }
            }) { IsBackground = true };
            threads[j].Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        token.ThrowIfCancellationRequested();
        if (failure is not null)
        {
            throw new ProbeException("a loop failed: " + failure.Message);
        }

        var all = perLoop.SelectMany(x => x).OrderBy(c => c.Creation.StartTicks).ToList();
        var name = $"loops-{k}x{n}";
        var outside = all.ConvertAll(c => c.Outside);
        // What the loop does outside the kernel's creation (the hand-off to the netns thread and back, setns) is the
        // workload's input, measured here as churn's arrivals are given: the simulated loop sleeps as long per cycle.
        WriteWorkload(workloads, name, host, $"{k} parallel loops of {n} serial cycles: unshare(CLONE_NEWNET), then setns back to the host netns; between creations each loop waits as the probe's did (gap_quantiles_ms, measured).", new JsonObject
        {
            ["loops"] = new JsonObject { ["count"] = k, ["cycles"] = n, ["gap_quantiles_ms"] = new JsonArray([.. GapQuantiles(outside.ConvertAll(c => c.WallMs)).Select(x => JsonValue.Create(x))]) },
        });
        var e = CreationExperiment(name, "loops", fit, all.ConvertAll(c => c.Creation), start, load);
        var setns = all.ConvertAll(c => c.Action.Minus(c.Creation));
        return e with
        {
            Samples = new Dictionary<string, IReadOnlyList<double>>(e.Samples)
            {
                ["cycle_ms"] = Round(all.Select(c => c.Cycle.WallMs)),
                ["outside_ms"] = Round(outside.Select(c => c.WallMs)),
                ["outside_cpu_ms"] = Round(outside.Select(c => c.CpuMs)),
                ["outside_runqueue_ms"] = Round(outside.Select(c => c.RunQueueMs)),
                ["setns_ms"] = Round(setns.Select(c => c.WallMs)),
                ["setns_cpu_ms"] = Round(setns.Select(c => c.CpuMs)),
                ["setns_runqueue_ms"] = Round(setns.Select(c => c.RunQueueMs)),
            },
        };
    }

    /// <summary>The 101 percentiles (0 … 100 %) of a loop's time outside the creation, for <c>loops.gap_quantiles_ms</c>.</summary>
    internal static List<double> GapQuantiles(IReadOnlyList<double> outsideMs) =>
        [.. Enumerable.Range(0, 101).Select(p => Math.Round(Math.Max(0, Percentile(outsideMs, p / 100.0)), 4))];

    /// <summary>
    /// One loop cycle: on the loop's thread (<paramref name="Cycle"/>), the creation and the netns thread's whole action
    /// (creation and setns back) on the netns thread.
    /// </summary>
    private readonly record struct LoopCycle(Stretch Cycle, Stretch Creation, Stretch Action)
    {
        /// <summary>The cycle outside the creation: the hand-off both ways and setns, CPU and run-queue wait of both threads.</summary>
        public Stretch Outside => new(Cycle.StartTicks, Cycle.WallMs - Creation.WallMs, Cycle.CpuMs + Action.CpuMs - Creation.CpuMs, Cycle.RunQueueMs + Action.RunQueueMs - Creation.RunQueueMs);
    }

    /// <summary>
    /// Poisson arrivals at <paramref name="rate"/> per second for <see cref="ProbeOptions.ChurnDurationMs"/>, each
    /// creating a netns (on a thread of its own, as each arrival is a process) that lives an exponential time and is
    /// then released. Every arrival's creation latency is recorded. The arrival times and lifetimes come from a fixed
    /// seed, so two probes offer the kernel the same load.
    /// </summary>
    private Experiment Churn(HostInfo host, string workloads, double rate, bool fit, CancellationToken token)
    {
        var name = ChurnName(rate);
        log.WriteLine($"churn: Poisson arrivals at {rate}/s for {options.ChurnDurationMs} ms, exponential lifetimes of mean {options.ChurnLifetimeMs} ms");
        var load = LoadAverage();
        var random = new Random(1);
        var arrivals = new List<(double AtMs, double LifeMs)>();
        for (var at = Exp(random, 1000 / rate); at < options.ChurnDurationMs; at += Exp(random, 1000 / rate))
        {
            arrivals.Add((at, Exp(random, options.ChurnLifetimeMs)));
        }

        var creations = new ConcurrentBag<Stretch>();
        var releases = new ConcurrentQueue<(long Due, int Fd)>();
        var idle = new ConcurrentBag<NetnsThread>();
        var all = new ConcurrentBag<NetnsThread>();
        var pending = new List<Task>();
        var pendingReleases = new List<(long Due, int Fd)>();
        var start = Stopwatch.GetTimestamp();
        long Ticks(double msFromStart) => start + (long)(msFromStart * Stopwatch.Frequency / 1000);
        try
        {
            foreach (var (atMs, lifeMs) in arrivals)
            {
                while (Stopwatch.GetTimestamp() < Ticks(atMs))
                {
                    token.ThrowIfCancellationRequested();
                    CloseDue(releases, pendingReleases, Stopwatch.GetTimestamp());
                    Thread.Sleep(1);
                }

                if (!idle.TryTake(out var worker))
                {
                    worker = new NetnsThread("nnp-churn");
                    all.Add(worker);
                }

                var life = (long)(lifeMs * Stopwatch.Frequency / 1000);
                pending.Add(Task.Factory.StartNew(() =>
                {
                    var (fd, creation) = worker.CreateAndHoldTimed();
                    creations.Add(creation);
                    releases.Enqueue((Stopwatch.GetTimestamp() + life, fd));
                    idle.Add(worker);
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
            }

            Task.WaitAll([.. pending], token);
            while (!releases.IsEmpty || pendingReleases.Count > 0)
            {
                token.ThrowIfCancellationRequested();
                CloseDue(releases, pendingReleases, Stopwatch.GetTimestamp());
                Thread.Sleep(1);
            }
        }
        finally
        {
            // Cancelled or failed: release whatever is still held, then stop the threads.
            try
            {
                Task.WaitAll([.. pending], TimeSpan.FromSeconds(30));
            }
            catch (AggregateException)
            {
            }

            CloseDue(releases, pendingReleases, long.MaxValue);
            foreach (var t in all)
            {
                t.Dispose();
            }
        }

        var failed = pending.FirstOrDefault(t => t.IsFaulted);
        if (failed is not null)
        {
            throw new ProbeException("a churn creation failed: " + failed.Exception!.InnerException!.Message);
        }

        WriteWorkload(workloads, name, host, $"Poisson arrivals at {rate}/s for {options.ChurnDurationMs} ms, each a process creating a netns that lives an exponential time of mean {options.ChurnLifetimeMs} ms.", new JsonObject
        {
            ["churn"] = new JsonObject
            {
                ["arrivals_per_second"] = rate,
                ["duration_ms"] = options.ChurnDurationMs,
                ["lifetime"] = new JsonObject { ["distribution"] = "exponential", ["mean_ms"] = options.ChurnLifetimeMs },
            },
        });
        return CreationExperiment(name, "churn", fit, [.. creations.OrderBy(c => c.StartTicks)], start, load);
    }

    /// <summary>
    /// An experiment whose quantities are creation latencies (serial, loops, churn), with its samples and the load it
    /// ran at. Per creation, in start order: wall time, start relative to the run's start, CPU time and run-queue wait
    /// (<see cref="ThreadClock"/>; wall − CPU − run-queue wait is time the creator slept).
    /// </summary>
    private static Experiment CreationExperiment(string name, string kind, bool fit, List<Stretch> creations, long startTicks, double load)
    {
        var ms = creations.ConvertAll(c => c.WallMs);
        return new Experiment
        {
            Name = name,
            Kind = kind,
            Workload = $"workloads/{name}.json",
            Fit = fit,
            Quantities = CreationQuantities(ms),
            Samples = new Dictionary<string, IReadOnlyList<double>>
            {
                ["creation_ms"] = Round(ms),
                ["load_average"] = [load],
                ["creation_start_ms"] = Round(creations.Select(c => c.StartMsFrom(startTicks))),
                ["creation_cpu_ms"] = Round(creations.Select(c => c.CpuMs)),
                ["creation_runqueue_ms"] = Round(creations.Select(c => c.RunQueueMs)),
            },
        };
    }

    private static void CloseDue(ConcurrentQueue<(long Due, int Fd)> incoming, List<(long Due, int Fd)> held, long now)
    {
        while (incoming.TryDequeue(out var r))
        {
            held.Add(r);
        }

        for (var i = held.Count - 1; i >= 0; i--)
        {
            if (held[i].Due <= now)
            {
                Native.close(held[i].Fd);
                held.RemoveAt(i);
            }
        }
    }

    private static double Exp(Random r, double mean) => -mean * Math.Log(1 - r.NextDouble());

    /// <summary>Median, mean, p90, p99 and coefficient of variation of creation latencies.</summary>
    private static List<MeasuredQuantity> CreationQuantities(IReadOnlyList<double> ms) =>
    [
        Q(Quantities.CreationMsP50, Percentile(ms, 0.5), "ms"),
        Q(Quantities.CreationMsMean, ms.Count == 0 ? 0 : ms.Average(), "ms"),
        Q(Quantities.CreationMsP90, Percentile(ms, 0.9), "ms"),
        Q(Quantities.CreationMsP99, Percentile(ms, 0.99), "ms"),
        Q(Quantities.CreationMsCv, Spread.CvOfSamples(ms), "1"),
    ];

    /// <summary>The 1-minute load average now: other work on the host competes with the probe (recorded with each experiment).</summary>
    private static double LoadAverage() =>
        double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var l) ? l : 0;
}
