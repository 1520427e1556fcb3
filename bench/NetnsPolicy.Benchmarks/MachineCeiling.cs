using System.Diagnostics;
using System.Globalization;

namespace NetnsPolicy.Benchmarks;

/// <summary>
/// The machine's own parallel ceiling, measured in the same sitting as a tournament (docs/benchmarks.md, "Issue 16,
/// sixth round"): fixed reference kernels run once on one thread, then the same total work split in halves on two
/// threads at once. A kernel's efficiency is one-thread wall / (2 × two-thread wall), the tournament's definition; below
/// 1.0 it measures what the VM (shared L3 and memory, the host's other tenants, frequency) and the runtime take from two
/// threads that share nothing. Each thread's CPU time (<c>/proc/thread-self/schedstat</c>) tells work that got slower
/// (CPU time grew) from a thread that waited for a core (wall above CPU).
/// <list type="bullet">
/// <item><c>cpu</c>: an integer mixing loop (splitmix64 finaliser), registers only: no allocation, no memory traffic.</item>
/// <item><c>chase</c>: pointer chasing over a per-thread 4 MiB single-cycle permutation (larger than the 2 MiB L2, a
/// few MiB like a simulation's working set), no allocation: shared-L3 and memory latency.</item>
/// <item><c>alloc</c>: allocation of 48-byte objects into a per-thread ring of 16 384 (0.75 MiB live, so gen0
/// collections promote some), 1 GiB in all (a tournament allocates 0.5 GiB): the GC's pauses stop both threads.</item>
/// </list>
/// The work is fixed (not calibrated to the machine), so the one-thread wall is also a machine-speed reference between
/// sittings, like the Python loop.
/// </summary>
internal static class MachineCeiling
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static readonly string[] Kernels = ["cpu", "chase", "alloc"];

    private const long MixIterations = 160_000_000;
    private const int IntsPerMiB = 1 << 18;
    private static int s_chaseSlots = 4 * IntsPerMiB; // 4 MiB of int; --ceiling may set another size
    private const long ChaseHops = 5_000_000;
    private const long Allocations = 1024L * 1024 * 1024 / 48;
    private const int RingSlots = 16_384;

    /// <summary>One kernel's one-thread and two-thread runs: walls and the threads' CPU time (s).</summary>
    public readonly record struct Sample(string Kernel, double OneWall, double OneCpu, double OnePause, double TwoWall, double TwoCpu, double TwoPause)
    {
        public double Efficiency => OneWall / (2 * TwoWall);

        /// <summary>The threads' CPU time with two against one, for the same total work: the work that got slower.</summary>
        public double CpuInflation => (TwoCpu / OneCpu) - 1;
    }

    /// <summary>
    /// Each kernel with one thread and with two, the order alternated by <paramref name="pair"/> like the tournament's
    /// workers, so a load change hits both alike.
    /// </summary>
    public static List<Sample> MeasurePair(int pair)
    {
        var samples = new List<Sample>();
        foreach (var kernel in Kernels)
        {
            (double Wall, double Cpu, double Pause) one = default, two = default;
            foreach (var threads in pair % 2 == 0 ? new[] { 1, 2 } : [2, 1])
            {
                var run = Run(kernel, threads);
                if (threads == 1)
                {
                    one = run;
                }
                else
                {
                    two = run;
                }
            }

            samples.Add(new Sample(kernel, one.Wall, one.Cpu, one.Pause, two.Wall, two.Cpu, two.Pause));
        }

        return samples;
    }

    public static string Describe(Sample s) =>
        string.Create(C, $"{s.Kernel} 1 thread {s.OneWall:F3} s ({s.OneCpu:F3} s CPU), 2 threads {s.TwoWall:F3} s ({s.TwoCpu:F3} s CPU): efficiency {s.Efficiency:F2}, CPU {Percent(s.CpuInflation)}") +
        (s.Kernel == "alloc" ? string.Create(C, $", GC pauses {s.OnePause:F3} / {s.TwoPause:F3} s") : "");

    /// <summary>
    /// Per kernel the medians over the sitting's pairs; with <paramref name="tournamentEfficiency"/>, the tournament's
    /// efficiency relative to each kernel's (the share of the machine's own ceiling the tournament reaches).
    /// </summary>
    public static string Summarise(List<Sample> samples, double? tournamentEfficiency)
    {
        var lines = new List<string>();
        foreach (var kernel in Kernels)
        {
            var of = samples.Where(s => s.Kernel == kernel).ToList();
            var efficiency = TournamentEfficiency.Median(of.Select(s => s.Efficiency));
            lines.Add(string.Create(C, $"  {kernel}: efficiency median {efficiency:F2} ({of.Min(s => s.Efficiency):F2}–{of.Max(s => s.Efficiency):F2}), ") +
                string.Create(C, $"1-thread wall {TournamentEfficiency.Median(of.Select(s => s.OneWall)):F3} s, CPU with two {Percent(TournamentEfficiency.Median(of.Select(s => s.CpuInflation)))}") +
                (tournamentEfficiency is { } t ? string.Create(C, $"; tournament / {kernel} {t / efficiency:F2}") : ""));
        }

        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>A signed change in percent to one decimal ("+0.0%" for what rounds to zero, never "-+0.0%").</summary>
    private static string Percent(double change) => string.Create(C, $"{Math.Round(100 * change, 1) + 0.0:+0.0;-0.0;+0.0}%");

    /// <summary>
    /// <c>--ceiling [PAIRS [CHASE_MIB]]</c>: the kernels alone, for a sitting without a tournament (or under
    /// <c>perf stat</c>); the chase's working set per thread may be set, to find the cache the two threads share.
    /// </summary>
    public static int RunAlone(int pairs, int chaseMiB = 4)
    {
        if (chaseMiB is < 1 or > 1024)
        {
            Console.Error.WriteLine($"error: CHASE_MIB: {chaseMiB} is not between 1 and 1024");
            return 2;
        }

        s_chaseSlots = chaseMiB * IntsPerMiB;
        Console.WriteLine($"machine ceiling: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, chase over {chaseMiB} MiB per thread");
        _ = MeasurePair(0); // warm-up: tier-1 code for the kernels
        var samples = new List<Sample>();
        for (var p = 0; p < pairs; p++)
        {
            foreach (var s in MeasurePair(p))
            {
                Console.WriteLine($"  pair {p + 1}: {Describe(s)}");
                samples.Add(s);
            }
        }

        Console.WriteLine(Summarise(samples, null));
        return 0;
    }

    /// <summary>The kernel's total work split over <paramref name="threads"/> dedicated threads started together.</summary>
    private static (double Wall, double Cpu, double Pause) Run(string kernel, int threads)
    {
        var cpu = new double[threads];
        var sink = new long[threads];
        using var start = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var work = Prepare(kernel, threads, t);
            start.SignalAndWait();
            var cpu0 = ThreadNs();
            sink[t] = work();
            cpu[t] = (ThreadNs() - cpu0) / 1e9;
        })).ToList();
        foreach (var w in workers)
        {
            w.Start();
        }

        var pause0 = GC.GetTotalPauseDuration();
        start.SignalAndWait();
        var sw = Stopwatch.StartNew();
        foreach (var w in workers)
        {
            w.Join();
        }

        var wall = sw.Elapsed.TotalSeconds;
        GC.KeepAlive(sink);
        return (wall, cpu.Sum(), (GC.GetTotalPauseDuration() - pause0).TotalSeconds);
    }

    /// <summary>A thread's share of the kernel's work, with its setup (the chase's permutation) done before the clock starts.</summary>
    private static Func<long> Prepare(string kernel, int threads, int index) => kernel switch
    {
        "cpu" => () => Mix(MixIterations / threads, (ulong)index + 1),
        "chase" => Chase(ChaseHops / threads, index + 1),
        "alloc" => () => Allocate(Allocations / threads),
        _ => throw new ArgumentException($"unknown kernel '{kernel}'", nameof(kernel)),
    };

    private static long Mix(long iterations, ulong seed)
    {
        var x = seed;
        for (long i = 0; i < iterations; i++)
        {
            x += 0x9E3779B97F4A7C15UL;
            var z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            x = z ^ (z >> 31);
        }

        return (long)x;
    }

    private static Func<long> Chase(long hops, int seed)
    {
        // Sattolo's shuffle: one cycle through every slot, so each hop depends on the last and the prefetcher cannot help.
        var next = new int[s_chaseSlots];
        for (var i = 0; i < next.Length; i++)
        {
            next[i] = i;
        }

        var random = new Random(seed);
        for (var i = next.Length - 1; i > 0; i--)
        {
            var j = random.Next(i);
            (next[i], next[j]) = (next[j], next[i]);
        }

        return () =>
        {
            var at = 0;
            for (long h = 0; h < hops; h++)
            {
                at = next[at];
            }

            return at;
        };
    }

    /// <summary>48 bytes with its header, like the model's small records.</summary>
    private sealed class Node(long value)
    {
        public readonly long Value = value;
        public readonly long A = value + 1;
        public readonly long B = value + 2;
        public readonly long C = value + 3;
    }

    private static long Allocate(long count)
    {
        var ring = new Node[RingSlots];
        long sum = 0;
        for (long i = 0; i < count; i++)
        {
            var slot = (int)(i & (RingSlots - 1));
            sum += ring[slot]?.Value ?? 0;
            ring[slot] = new Node(i);
        }

        return sum;
    }

    private static long ThreadNs() => long.Parse(File.ReadAllText("/proc/thread-self/schedstat").Split(' ')[0], C);
}
