using System.Diagnostics;
using System.Globalization;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Tournaments;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Benchmarks;

/// <summary>
/// <c>--tournament FILE [PAIRS]</c>: a shipped tournament run in process (the shipped plugins, <c>InProcessRunExecutor</c>,
/// <c>TournamentRunner</c>) with one worker and with two, alternating which goes first in each pair so a load change on a
/// shared machine hits both alike, after one unmeasured warm-up run. Prints per run the wall and process CPU time of
/// the simulations and of rendering (JSON, Markdown, JUnit, HTML), and at the end the medians and the parallel
/// efficiency, one-worker wall over twice the two-worker wall. Checks that both give the same tournament.json. Each run
/// starts once the runtime's background tier-1 compiler is idle, and prints the simulations' collections, GC pauses,
/// allocation, lock contention and CPU by thread kind (docs/benchmarks.md, "Issue 16, fourth round"), and its timeline
/// (<see cref="RunTimeline"/>: per slot the simulations' time, the gaps, the idle tail, the scoring after the last
/// simulation; per track its simulations' mean wall and allocation). The last line attributes what two workers lose
/// against ideal to those parts (docs/benchmarks.md, "Issue 16, fifth round"). Before each pair it measures the machine's
/// own ceiling (<see cref="MachineCeiling"/>) and at the end prints the tournament's efficiency against it
/// (docs/benchmarks.md, "Issue 16, sixth round").
/// </summary>
internal static class TournamentEfficiency
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static int Run(string file, int pairs)
    {
        using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = Path.Combine(AppContext.BaseDirectory, "plugins"), Watch = false });
        var tournament = TournamentLoader.Load(file, catalog);
        using var promotion = new GcPromotion();
        Console.WriteLine($"{tournament.Name}: {tournament.Tracks.Count * tournament.Entries.Count * tournament.Replications} simulations, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        var reference = Once(catalog, tournament, promotion, 2, "warm-up").Json;
        var walls = new Dictionary<int, List<double>> { [1] = [], [2] = [] };
        var breakdowns = new Dictionary<int, List<Measured>> { [1] = [], [2] = [] };
        var renders = new List<double>();
        var ceiling = new List<MachineCeiling.Sample>();
        _ = MachineCeiling.MeasurePair(0); // warm-up: tier-1 code for the kernels
        for (var p = 0; p < pairs; p++)
        {
            // The machine's own ceiling in the same sitting, before each pair (MachineCeiling).
            foreach (var sample in MachineCeiling.MeasurePair(p))
            {
                Console.WriteLine($"  pair {p + 1}, machine: {MachineCeiling.Describe(sample)}");
                ceiling.Add(sample);
            }

            foreach (var workers in p % 2 == 0 ? new[] { 1, 2 } : [2, 1])
            {
                var (json, wall, render, breakdown, pause, workerCpu) = Once(catalog, tournament, promotion, workers, $"pair {p + 1}");
                if (json != reference)
                {
                    Console.WriteLine($"tournament.json DIFFERS with {workers} worker(s) in pair {p + 1}");
                    return 1;
                }

                walls[workers].Add(wall);
                breakdowns[workers].Add(new Measured(breakdown, pause, workerCpu));
                renders.Add(render);
            }
        }

        var one = Median(walls[1]);
        var two = Median(walls[2]);
        Console.WriteLine(string.Create(C, $"tournament.json identical in every run; simulations median wall: 1 worker {one:F2} s ({walls[1].Min():F2}–{walls[1].Max():F2}), 2 workers {two:F2} s ({walls[2].Min():F2}–{walls[2].Max():F2}); " +
            $"parallel efficiency {one / (2 * two):F2}; rendering median {Median(renders):F2} s"));
        Console.WriteLine(PerPair(walls[1], walls[2]));
        Console.WriteLine(Attribute(breakdowns[1], breakdowns[2]));
        Console.WriteLine("machine's own ceiling, the same sitting (one thread against the same work on two):");
        Console.WriteLine(MachineCeiling.Summarise(ceiling, one / (2 * two)));
        return 0;
    }

    /// <summary>
    /// Each pair's own efficiency (its one-worker wall over twice its two-worker wall: the two runs of a pair are
    /// adjacent, so a load change between pairs does not enter it) and a distribution-free interval for their median
    /// (<see cref="MedianInterval"/>, at least 90% coverage, the achieved coverage printed), or why there is none.
    /// </summary>
    private static string PerPair(List<double> one, List<double> two)
    {
        var efficiencies = one.Zip(two, (w1, w2) => w1 / (2 * w2)).ToList();
        var text = string.Create(C, $"per pair efficiency: {string.Join(", ", efficiencies.Select(e => e.ToString("F2", C)))}; median {Median(efficiencies):F2}; ");
        return MedianInterval.Of(efficiencies, 0.9) is { } interval
            ? text + string.Create(C, $"interval for the median {interval.Low:F2}–{interval.High:F2} (ranks {interval.Ranks.Lower} and {interval.Ranks.Upper} of {efficiencies.Count}, coverage {interval.Ranks.CoveredOutcomes}/{interval.Ranks.Outcomes} = {100 * interval.Ranks.Coverage:F1}%)")
            : text + string.Create(C, $"too few pairs ({efficiencies.Count}) for a 90% interval for the median (at least 5 needed)");
    }

    /// <summary>
    /// Where two workers lose against ideal, in slot-seconds by the medians of each part: twice the two-worker wall
    /// minus the one-worker wall is the simulations' extra time with two (a GC pause stops both workers, so it counts
    /// twice there: 2 × pause₂ − pause₁ of it), plus the extra idle time of the slots (tail, dispatch gaps, scoring
    /// counted on both slots). Efficiency is one-worker wall over that doubled wall. Beside the simulations' wall, the
    /// thread-pool threads' CPU time with one worker and with two (the simulations, the scoring and the gen0 collections
    /// they trigger run there): the work that got slower, without the time spent waiting for a core or stopped by a
    /// collection on the other thread (docs/benchmarks.md, "Issue 16, sixth round").
    /// </summary>
    private static string Attribute(List<Measured> one, List<Measured> two)
    {
        double M(List<Measured> runs, Func<RunTimeline.Breakdown, double> part) => Median(runs.Select(r => part(r.Timeline)).ToList());
        var busy1 = M(one, b => b.Busy.Sum());
        var busy2 = M(two, b => b.Busy.Sum());
        var pause1 = Median(one.Select(r => r.Pause).ToList());
        var pause2 = Median(two.Select(r => r.Pause).ToList());
        var cpu1 = Median(one.Select(r => r.WorkerCpu));
        var cpu2 = Median(two.Select(r => r.WorkerCpu));
        var lead = M(two, b => b.Lead.Sum()) - M(one, b => b.Lead.Sum());
        var gaps = M(two, b => b.Gaps.Sum()) - M(one, b => b.Gaps.Sum());
        var tail = M(two, b => b.Tail.Sum());
        var scoring = M(two, b => 2 * b.Scoring) - M(one, b => b.Scoring);
        var capacity1 = M(one, b => b.Capacity);
        var capacity2 = M(two, b => b.Capacity);
        return string.Create(C, $"loss attribution (medians, slot-seconds): 2 × two-worker wall {capacity2:F3} s against one-worker wall {capacity1:F3} s = {capacity2 - capacity1:+0.000;-0.000} s: ") +
            string.Create(C, $"simulations {busy2 - busy1:+0.000;-0.000} s ({busy1:F3} → {busy2:F3} s, {100 * (busy2 / busy1 - 1):+0.0;-0.0}%; GC pauses {pause1:F3} s with one, {pause2:F3} s with two, stopping both: {(2 * pause2) - pause1:+0.000;-0.000} s of it; the pool threads' CPU {cpu1:F3} → {cpu2:F3} s, {100 * (cpu2 / cpu1 - 1):+0.0;-0.0}%), ") +
            string.Create(C, $"idle tail {tail:+0.000;-0.000} s, scoring after the last simulation, on both slots {scoring:+0.000;-0.000} s, between simulations (dispatch, finished tracks' scoring) {gaps:+0.000;-0.000} s, before the first {lead:+0.000;-0.000} s");
    }

    private static (string Json, double Wall, double Render, RunTimeline.Breakdown Timeline, double Pause, double WorkerCpu) Once(PluginCatalog catalog, Tournament tournament, GcPromotion promotion, int workers, string label)
    {
        var options = new TournamentRunnerOptions { MaxParallelism = workers, TimeBudget = TimeSpan.FromDays(1) };
        var settled = ThreadCpu.WaitForBackgroundCompilation();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var gc0 = GcFigures.Now();
        var promoted0 = promotion.Totals();
        var threads0 = ThreadCpu.Read();
        var timeline = new RunTimeline(new InProcessRunExecutor(catalog), workers);
        var runner = new TournamentRunner(timeline, options);
        timeline.Restart();
        var sw = Stopwatch.StartNew();
        var result = runner.RunAsync(tournament).GetAwaiter().GetResult();
        var wall = sw.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var gc = GcFigures.Now() - gc0;
        promotion.WaitFor(promoted0.Collections + gc.Gen0);
        var promoted = promotion.Totals();
        var threads = ThreadCpu.Since(threads0);
        sw.Restart();
        var json = TournamentRenderer.ToJson(result);
        var jsonTime = sw.Elapsed.TotalSeconds;
        _ = TournamentRenderer.ToMarkdown(result);
        _ = TournamentRenderer.ToJUnit(result);
        var textTime = sw.Elapsed.TotalSeconds - jsonTime;
        _ = TournamentRenderer.ToHtml(result);
        var render = sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(C, $"  {label}, {workers} worker(s): simulations {wall:F2} s wall, {cpu:F2} s CPU; rendering {render:F2} s (JSON {jsonTime:F2}, Markdown+JUnit {textTime:F2}, HTML {render - jsonTime - textTime:F2}); load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        Console.WriteLine(string.Create(C, $"    simulations' GC: {gc.Gen0} gen0, {gc.Gen1} gen1, {gc.Gen2} gen2 collections, pauses {gc.Pause.TotalSeconds:F2} s, {gc.Allocated / 1048576.0 / result.RunsCompleted:F1} MiB allocated per simulation; lock contentions {gc.Contentions}; promoted {(promoted.ToGen1 - promoted0.ToGen1) / 1048576.0:F1} MiB into gen1, {(promoted.ToGen2 - promoted0.ToGen2) / 1048576.0:F1} MiB into gen2 (what the pauses copy)"));
        Console.WriteLine(string.Create(C, $"    CPU by thread kind (background compiler idle after {settled.TotalSeconds:F1} s before): ") +
            string.Join(", ", threads.Where(t => t.Value >= 0.005).Select(t => string.Create(C, $"{t.Key} {t.Value:F2} s"))));
        var breakdown = timeline.Summarise(wall);
        Console.WriteLine("    " + breakdown.Describe());
        Console.WriteLine("    last to end: " + timeline.DescribeLast(3));
        Console.WriteLine("    per track: " + timeline.DescribeTracks());
        if (workers == 1)
        {
            // One simulation at a time: the process's allocation outside them is the runner's and the scoring's.
            Console.WriteLine(string.Create(C, $"    allocated outside the simulations (runner, scoring): {(gc.Allocated - timeline.Entries.Sum(e => e.AllocatedBytes)) / 1048576.0:F1} MiB of {gc.Allocated / 1048576.0:F1} MiB"));
        }

        // The simulations and the scoring run on the thread pool's workers: their CPU time is the work, without the waits.
        return (json, wall, render, breakdown, gc.Pause.TotalSeconds, threads.GetValueOrDefault(".NET TP Worker"));
    }

    /// <summary>One run's timeline, its GC pause time and its thread-pool threads' CPU time (s).</summary>
    private readonly record struct Measured(RunTimeline.Breakdown Timeline, double Pause, double WorkerCpu);

    /// <summary>Process-wide counters read before and after the simulations (collections, pause time, allocation, lock contention).</summary>
    private readonly record struct GcFigures(int Gen0, int Gen1, int Gen2, TimeSpan Pause, long Allocated, long Contentions)
    {
        public static GcFigures Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: false), Monitor.LockContentionCount);

        public static GcFigures operator -(GcFigures a, GcFigures b) =>
            new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Pause - b.Pause, a.Allocated - b.Allocated, a.Contentions - b.Contentions);
    }

    /// <summary>
    /// CPU time of the process's threads by name (<c>/proc/self/task/*/schedstat</c>, ns on a CPU; <c>comm</c>): the
    /// simulations run on ".NET TP Worker" threads, tier-1 compilation on ".NET Tiered Com", background GC on ".NET BGC".
    /// Threads that exited in between are not counted.
    /// </summary>
    private static class ThreadCpu
    {
        public static Dictionary<int, (string Name, long Ns)> Read()
        {
            var threads = new Dictionary<int, (string, long)>();
            foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    var ns = long.Parse(File.ReadAllText(Path.Combine(dir, "schedstat")).Split(' ')[0], C);
                    threads[int.Parse(Path.GetFileName(dir), C)] = (File.ReadAllText(Path.Combine(dir, "comm")).Trim(), ns);
                }
                catch (IOException)
                {
                    // The thread exited while being read.
                }
            }

            return threads;
        }

        /// <summary>
        /// Waits (at most 20 s) until the tiered compiler's background thread has used no CPU for half a second, so that
        /// a run is not charged the tier-1 compilation the previous one queued (its rendering's, mostly): that work
        /// would take the core a single worker leaves idle, but compete with two. Returns how long it waited.
        /// </summary>
        public static TimeSpan WaitForBackgroundCompilation()
        {
            var clock = Stopwatch.StartNew();
            var last = Compiler();
            var quiet = 0;
            while (quiet < 5 && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(100);
                var now = Compiler();
                quiet = now == last ? quiet + 1 : 0;
                last = now;
            }

            return clock.Elapsed;
        }

        private static long Compiler() => Read().Values.Where(t => t.Name.StartsWith(".NET Tiered", StringComparison.Ordinal)).Sum(t => t.Ns);

        public static SortedDictionary<string, double> Since(Dictionary<int, (string Name, long Ns)> before)
        {
            var byName = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var (tid, (name, ns)) in Read())
            {
                var delta = ns - (before.TryGetValue(tid, out var b) ? b.Ns : 0);
                byName[name] = byName.GetValueOrDefault(name) + (delta / 1e9);
            }

            return byName;
        }
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
