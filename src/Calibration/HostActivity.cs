using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace NetnsPolicy.Calibration;

/// <summary>
/// What the machine did while one experiment ran, besides the experiment: the CPU time of the whole machine from
/// /proc/stat's aggregate <c>cpu</c> line (proc(5); the kernel's <c>show_stat()</c> in fs/proc/stat.c sums
/// <c>kcpustat_cpu(i).cpustat[]</c> over the possible CPUs, in USER_HZ ticks) split as the kernel accounts it, with the
/// time the hypervisor took the vCPUs away (<c>steal</c>, CPUTIME_STEAL, accounted by <c>steal_account_process_time()</c>
/// in kernel/sched/cputime.c from the paravirtual steal clock), and how fast the machine ran a fixed piece of work just
/// before the experiment (<see cref="ReferenceWork"/>). A creation that is 35 % slower in one session than in another of
/// the same boot (docs/calibration.md) is the host's doing when the reference work slowed alike or steal grew, and the
/// kernel's own state otherwise. Null in folders probed before 2026-12-05.
/// </summary>
public sealed record HostActivity
{
    /// <summary>The experiments measured together (the interleaved creation gaps share one block), "" for one experiment.</summary>
    public string Block { get; init; } = "";
    public double WallMs { get; init; }
    /// <summary>/proc/stat's ticks per second (USER_HZ, sysconf(_SC_CLK_TCK)): the resolution of the fields below.</summary>
    public int TicksPerSecond { get; init; }
    public double UserMs { get; init; }
    public double NiceMs { get; init; }
    public double SystemMs { get; init; }
    public double IdleMs { get; init; }
    public double IowaitMs { get; init; }
    public double IrqMs { get; init; }
    public double SoftirqMs { get; init; }
    public double StealMs { get; init; }
    /// <summary>Steal over the time the vCPUs wanted to run (everything but idle and iowait); 0 when nothing ran.</summary>
    public double StealShare { get; init; }
    /// <summary><see cref="ReferenceWork"/>'s compute loop, ms per run, just before the experiment.</summary>
    public IReadOnlyList<double> ReferenceComputeMs { get; init; } = [];
    /// <summary><see cref="ReferenceWork"/>'s dependent-load walk of 4 MiB, ms per run, just before the experiment.</summary>
    public IReadOnlyList<double> ReferenceMemoryMs { get; init; } = [];

    /// <summary>
    /// validate's table of what the host did around each experiment (one row per block: the creation gaps share one),
    /// with the range of the reference work over the session, so a prediction error can be set beside a slow host. ""
    /// for folders without host activity.
    /// </summary>
    public static string Render(IReadOnlyList<Experiment> experiments)
    {
        var rows = new List<(string Name, int Count, HostActivity A)>();
        foreach (var e in experiments)
        {
            if (e.HostActivity is not { } a)
            {
                continue;
            }

            if (a.Block.Length > 0 && rows.Count > 0 && rows[^1].A.Block == a.Block)
            {
                rows[^1] = rows[^1] with { Count = rows[^1].Count + 1 };
                continue;
            }

            rows.Add((a.Block.Length > 0 ? a.Block : e.Name, 1, a));
        }

        if (rows.Count == 0)
        {
            return "";
        }

        var s = new StringBuilder();
        s.AppendLine("host activity around each experiment (/proc/stat; reference work medians just before it):");
        s.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {"experiment",-24} {"wall ms",9} {"steal %",8} {"system ms",10} {"ref compute ms",15} {"ref memory ms",14}"));
        foreach (var (name, count, a) in rows)
        {
            var label = a.Block.Length > 0 ? $"{name} ({count})" : name;
            s.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"  {label,-24} {a.WallMs,9:F0} {a.StealShare * 100,8:F2} {a.SystemMs,10:F0} {Median(a.ReferenceComputeMs),15} {Median(a.ReferenceMemoryMs),14}"));
        }

        var compute = rows.Where(r => r.A.ReferenceComputeMs.Count > 0).Select(r => Prober.Percentile(r.A.ReferenceComputeMs, 0.5)).ToList();
        var memory = rows.Where(r => r.A.ReferenceMemoryMs.Count > 0).Select(r => Prober.Percentile(r.A.ReferenceMemoryMs, 0.5)).ToList();
        var steal = rows.Max(r => r.A.StealShare) * 100;
        s.Append(CultureInfo.InvariantCulture, $"  steal at most {steal:F2} % of busy time");
        if (compute.Count > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"; reference compute {compute.Min():F2}–{compute.Max():F2} ms (×{compute.Max() / compute.Min():F2}), memory walk {memory.Min():F2}–{memory.Max():F2} ms (×{memory.Max() / memory.Min():F2})");
        }

        s.AppendLine();
        return s.ToString();

        static string Median(IReadOnlyList<double> v) => v.Count > 0 ? Prober.Percentile(v, 0.5).ToString("F2", CultureInfo.InvariantCulture) : "-";
    }

    /// <summary>The difference of two /proc/stat readings, with the reference runs taken before the first.</summary>
    public static HostActivity Between(CpuTimes before, CpuTimes after, double wallMs, ReferenceRuns reference, string block = "")
    {
        var d = after - before;
        var ms = 1000.0 / d.TicksPerSecond;
        var busy = d.User + d.Nice + d.System + d.Irq + d.Softirq + d.Steal;
        return new HostActivity
        {
            Block = block,
            WallMs = Math.Round(wallMs, 3),
            TicksPerSecond = d.TicksPerSecond,
            UserMs = d.User * ms,
            NiceMs = d.Nice * ms,
            SystemMs = d.System * ms,
            IdleMs = d.Idle * ms,
            IowaitMs = d.Iowait * ms,
            IrqMs = d.Irq * ms,
            SoftirqMs = d.Softirq * ms,
            StealMs = d.Steal * ms,
            StealShare = busy > 0 ? Math.Round((double)d.Steal / busy, 5) : 0,
            ReferenceComputeMs = reference.ComputeMs,
            ReferenceMemoryMs = reference.MemoryMs,
        };
    }
}

/// <summary>One reading of /proc/stat's aggregate <c>cpu</c> line, in ticks.</summary>
public readonly record struct CpuTimes(long User, long Nice, long System, long Idle, long Iowait, long Irq, long Softirq, long Steal, int TicksPerSecond)
{
    /// <summary>The fields of the first line of /proc/stat, <c>cpu  user nice system idle iowait irq softirq steal guest guest_nice</c>.</summary>
    public static CpuTimes Parse(string procStat, int ticksPerSecond)
    {
        if (ticksPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ticksPerSecond), ticksPerSecond, "ticks per second must be positive");
        }

        var line = procStat.Split('\n', 2)[0];
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 9 || f[0] != "cpu")
        {
            throw new InvalidDataException($"/proc/stat: the first line is not the aggregate 'cpu' line with eight times: '{line}'");
        }

        long F(int i) => long.TryParse(f[i], NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"/proc/stat: field {i} of the cpu line is not a tick count: '{f[i]}'");
        return new CpuTimes(F(1), F(2), F(3), F(4), F(5), F(6), F(7), F(8), ticksPerSecond);
    }

    /// <summary>This machine's /proc/stat now, or null where there is none.</summary>
    public static CpuTimes? Read()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/stat"))
        {
            return null;
        }

        return Parse(File.ReadAllText("/proc/stat"), Native.ClockTicks());
    }

    public static CpuTimes operator -(CpuTimes a, CpuTimes b)
    {
        if (a.TicksPerSecond != b.TicksPerSecond)
        {
            throw new ArgumentException("the two readings have different tick rates");
        }

        return new CpuTimes(a.User - b.User, a.Nice - b.Nice, a.System - b.System, a.Idle - b.Idle, a.Iowait - b.Iowait, a.Irq - b.Irq, a.Softirq - b.Softirq, a.Steal - b.Steal, a.TicksPerSecond);
    }
}

/// <summary>The reference work's times, ms per run.</summary>
public sealed record ReferenceRuns(IReadOnlyList<double> ComputeMs, IReadOnlyList<double> MemoryMs)
{
    public static readonly ReferenceRuns None = new([], []);
}

/// <summary>
/// A fixed piece of user-space work timed on one thread: an integer hash loop (how fast the vCPU runs) and a walk of
/// dependent loads through a 4 MiB random cycle (larger than this machine kind's 1 MiB L2, inside its 8 MiB L3, so a
/// neighbour on the host that evicts the shared cache shows as a slower walk). The same work every time (the cycle is
/// built once from seed 1), so its time changes only with the machine.
/// </summary>
public sealed class ReferenceWork
{
    private const int ComputeIterations = 4_000_000;
    private const int WalkBytes = 4 << 20;
    private const int WalkSteps = 1 << 20;
    private readonly int[] _next;

    public ReferenceWork()
    {
        // Sattolo's algorithm: a single cycle through every slot, so the walk visits the whole 4 MiB.
        var n = WalkBytes / sizeof(int);
        _next = new int[n];
        for (var i = 0; i < n; i++)
        {
            _next[i] = i;
        }

        var rng = new Random(1);
        for (var i = n - 1; i > 0; i--)
        {
            var j = rng.Next(i);
            (_next[i], _next[j]) = (_next[j], _next[i]);
        }

        // Warm: the JIT's final tier and the array's pages before the first timed run.
        for (var i = 0; i < 3; i++)
        {
            Compute();
            Walk();
        }
    }

    /// <summary><paramref name="runs"/> runs of each part, ms.</summary>
    public ReferenceRuns Measure(int runs)
    {
        var compute = new double[runs];
        var memory = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var t = Stopwatch.GetTimestamp();
            Keep(Compute());
            compute[r] = Math.Round(Stopwatch.GetElapsedTime(t).TotalMilliseconds, 4);
            t = Stopwatch.GetTimestamp();
            Keep(Walk());
            memory[r] = Math.Round(Stopwatch.GetElapsedTime(t).TotalMilliseconds, 4);
        }

        return new ReferenceRuns(compute, memory);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong Compute()
    {
        var h = 0x9E3779B97F4A7C15UL;
        for (var i = 0; i < ComputeIterations; i++)
        {
            h ^= (ulong)i;
            h *= 0xBF58476D1CE4E5B9UL;
            h ^= h >> 31;
        }

        return h;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Walk()
    {
        var p = 0;
        var next = _next;
        for (var i = 0; i < WalkSteps; i++)
        {
            p = next[p];
        }

        return p;
    }

    private static ulong _sink;

    private static void Keep(ulong v) => _sink ^= v;

    private static void Keep(int v) => _sink ^= (ulong)v;

    /// <summary>One line for the probe's log.</summary>
    public static string Describe(HostActivity a)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"host: steal {a.StealShare * 100:F2} % of busy time ({a.StealMs:F0} ms), system {a.SystemMs:F0} ms, softirq {a.SoftirqMs:F0} ms in {a.WallMs:F0} ms");
        if (a.ReferenceComputeMs.Count > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"; reference work compute {Prober.Percentile(a.ReferenceComputeMs, 0.5):F2} ms, memory {Prober.Percentile(a.ReferenceMemoryMs, 0.5):F2} ms");
        }

        return s.ToString();
    }
}
