using System.Globalization;
using System.Text;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Calibration;

/// <summary>
/// What a cleanup_net run is made of, on the host and in the model (docs/calibration.md, "Where cleanup_net waits"):
/// the host's runs traced by <c>scripts/trace-cleanup-waits.py</c> (a burst with the probe's creation loop beside it,
/// under <c>perf record</c> of sched_switch with call chains), written to <c>&lt;session&gt;/cleanup-waits/&lt;experiment&gt;/runs.tsv</c>;
/// the model's from <see cref="RunResult.CleanupRuns"/> of the same experiment's replications. Compared: the probe-only
/// runs before the release (length, time in rcu_barrier, the worker's CPU time) and the runs that took the burst
/// (how many burst netns the first took, the worker's CPU time per burst netns, time in rcu_barrier per run).
/// Shown by <c>validate</c>, fitted by nothing.
/// </summary>
public static class CleanupRunComparison
{
    /// <summary>The folder of a probe session that holds the traces, one sub-folder per experiment.</summary>
    public const string Folder = "cleanup-waits";

    /// <summary>Medians of one side (ms; NaN where the side has no such run).</summary>
    public sealed record Side(int ProbeRuns, double ProbeRunMs, double ProbeBarrierMs, double ProbeCpuMs, int BurstRuns, double FirstBurstNets, double BurstCpuMsPerNetns, double BurstBarrierMs);

    /// <summary>One host run from runs.tsv: its repetition, phase, burst netns, length, rcu_barrier time and the worker's time off the CPU.</summary>
    public readonly record struct HostRun(int Repeat, string Phase, int BurstNets, double DurationMs, double BarrierMs, double OffCpuMs)
    {
        public double CpuMs => Math.Max(0, DurationMs - OffCpuMs);
    }

    /// <summary>
    /// Reads a trace's runs.tsv (repeat, start_ms, end_ms, phase, burst_nets, then label:sleeps:blocked_ms:runnable_ms
    /// per wait site). Throws <see cref="InvalidDataException"/> naming the line and the field on a malformed line.
    /// </summary>
    public static IReadOnlyList<HostRun> LoadHost(string path)
    {
        var runs = new List<HostRun>();
        var lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (lineNo == 1 || line.Length == 0)
            {
                continue;
            }

            var cols = line.Split('\t');
            if (cols.Length < 5)
            {
                throw new InvalidDataException($"{path}:{lineNo}: expected repeat, start_ms, end_ms, phase, burst_nets and the waits, found {cols.Length} columns");
            }

            var repeat = (int)Number(path, lineNo, "repeat", cols[0]);
            var start = Number(path, lineNo, "start_ms", cols[1]);
            var end = Number(path, lineNo, "end_ms", cols[2]);
            var burst = (int)Number(path, lineNo, "burst_nets", cols[4]);
            double barrier = 0, off = 0;
            foreach (var w in cols.Length > 5 ? cols[5].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [])
            {
                var parts = w.Split(':');
                if (parts.Length != 4)
                {
                    throw new InvalidDataException($"{path}:{lineNo}: wait '{w}' is not label:sleeps:blocked_ms:runnable_ms");
                }

                var ms = Number(path, lineNo, parts[0] + " blocked_ms", parts[2]) + Number(path, lineNo, parts[0] + " runnable_ms", parts[3]);
                off += ms;
                if (parts[0].StartsWith("rcu_barrier@", StringComparison.Ordinal))
                {
                    barrier += ms;
                }
            }

            runs.Add(new HostRun(repeat, cols[3], burst, end - start, barrier, off));
        }

        return runs;
    }

    private static double Number(string path, int line, string field, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new InvalidDataException($"{path}:{line}: {field} '{text}' is not a number");

    /// <summary>
    /// The host's side: probe-only runs pooled over the repetitions, the first burst run's netns the median over them
    /// (a repetition's runs are in order), CPU per burst netns over every burst run.
    /// </summary>
    public static Side Host(IReadOnlyList<HostRun> runs)
    {
        var probe = runs.Where(r => r.Phase == "probe-only").ToList();
        var burst = runs.Where(r => r.BurstNets > 0).ToList();
        return new Side(
            probe.Count,
            Median(probe.Select(r => r.DurationMs)),
            Median(probe.Select(r => r.BarrierMs)),
            Median(probe.Select(r => r.CpuMs)),
            burst.Count,
            Median(burst.GroupBy(r => r.Repeat).Select(g => (double)g.First().BurstNets)),
            burst.Count > 0 ? burst.Sum(r => r.CpuMs) / burst.Sum(r => r.BurstNets) : double.NaN,
            Median(burst.Select(r => r.BarrierMs)));
    }

    /// <summary>
    /// The model's side over the replications: the probe-only runs are those that took only probe nets and ended by
    /// the burst's release (as <see cref="Quantities.ProbeBatchMsP50"/>), pooled; the first burst run's netns is the
    /// median over the replications.
    /// </summary>
    public static Side Model(IReadOnlyList<RunResult> results)
    {
        var probe = Quantities.ProbeOnlyRuns(results).ToList();
        var burst = results.SelectMany(r => r.CleanupRuns.Where(c => c.BurstNets > 0)).ToList();
        var first = results.Select(r => r.CleanupRuns.FirstOrDefault(c => c.BurstNets > 0)).Where(c => c.BurstNets > 0).Select(c => (double)c.BurstNets);
        return new Side(
            probe.Count,
            Median(probe.Select(c => (c.EndSeconds - c.StartSeconds) * 1000)),
            Median(probe.Select(c => c.BarrierMs)),
            Median(probe.Select(c => c.CpuMs)),
            burst.Count,
            Median(first),
            burst.Count > 0 ? burst.Sum(c => c.CpuMs) / burst.Sum(c => c.BurstNets) : double.NaN,
            Median(burst.Select(c => c.BarrierMs)));
    }

    /// <summary>
    /// Every experiment of the set with a trace, host beside model. A trace records the kernel it ran on
    /// (<c>host.txt</c>, <c>kernel_release</c>); one from another build than the probe session's, or without that
    /// record, is refused (<see cref="InvalidDataException"/> naming both): what a run is made of is the kernel's.
    /// </summary>
    public static IReadOnlyList<(Experiment Experiment, Side Host, Side Model)> ForSet(Replay replay, KernelProfile profile, CancellationToken token = default)
    {
        var rows = new List<(Experiment, Side, Side)>();
        foreach (var e in replay.Set.Experiments)
        {
            var dir = Path.Combine(replay.Directory, Folder, e.Name);
            var path = Path.Combine(dir, "runs.tsv");
            if (e.Kind == "burst" && File.Exists(path))
            {
                var release = TracedRelease(dir);
                if (release != replay.Set.Host.KernelRelease)
                {
                    throw new InvalidDataException($"{Path.Combine(dir, "host.txt")}: traced on Linux {release ?? "(not recorded)"}, the probe session on {replay.Set.Host.KernelRelease}: a cleanup_net run's make-up is compared within one kernel build");
                }

                rows.Add((e, Host(LoadHost(path)), Model(replay.Run(profile, e, token))));
            }
        }

        return rows;
    }

    /// <summary>The kernel release a trace folder's <c>host.txt</c> records, or null.</summary>
    public static string? TracedRelease(string dir)
    {
        var path = Path.Combine(dir, "host.txt");
        return File.Exists(path)
            ? File.ReadLines(path).Select(l => l.Split(' ', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == "kernel_release")?[1].Trim()
            : null;
    }

    public static string Render(IReadOnlyList<(Experiment Experiment, Side Host, Side Model)> rows)
    {
        if (rows.Count == 0)
        {
            return "";
        }

        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"cleanup_net runs, host ({Folder}/<experiment>/runs.tsv, scripts/trace-cleanup-waits.py) / model, medians; not fitted:");
        sb.AppendLine(string.Create(c, $"{"experiment",-18} {"probe-only run ms",-24} {"its rcu_barrier ms",-24} {"its CPU ms",-20} {"burst: 1st run netns",-22} {"CPU ms per netns",-24} {"rcu_barrier ms per run",-24}"));
        foreach (var (e, h, m) in rows)
        {
            sb.AppendLine(string.Create(c, $"{e.Name,-18} {Pair(h.ProbeRunMs, m.ProbeRunMs, "F1"),-24} {Pair(h.ProbeBarrierMs, m.ProbeBarrierMs, "F1"),-24} {Pair(h.ProbeCpuMs, m.ProbeCpuMs, "F2"),-20} {Pair(h.FirstBurstNets, m.FirstBurstNets, "F0"),-22} {Pair(h.BurstCpuMsPerNetns, m.BurstCpuMsPerNetns, "F3"),-24} {Pair(h.BurstBarrierMs, m.BurstBarrierMs, "F1"),-24}"));
        }

        return sb.ToString();
    }

    private static string Pair(double host, double model, string format)
    {
        var c = CultureInfo.InvariantCulture;
        string F(double v) => double.IsNaN(v) ? "-" : v.ToString(format, c);
        var pct = double.IsNaN(host) || double.IsNaN(model) || host <= 0 ? "" : string.Create(c, $" ({(model / host) - 1:+0%;-0%;0%})");
        return $"{F(host)} / {F(model)}{pct}";
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[(v.Count / 2) - 1] + v[v.Count / 2]) / 2;
    }
}
