using System.Globalization;
using System.Text;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Calibration;

/// <summary>One kernel function's share of the teardown's CPU time (perf's "children": the function and what it calls), on the host and in the simulation.</summary>
public sealed record FunctionShare(string Function, double RealPct, double SimulatedPct)
{
    public double DifferencePoints => SimulatedPct - RealPct;
}

/// <summary>
/// The host's perf profile folded into the simulated profile's tree shape (docs/calibration.md): both sides are cut
/// to the netns roots (<see cref="FoldedStacks.Anchors"/>), and every host frame the simulation does not model counts
/// for the nearest simulated function above it (so a function's share includes what the kernel does inside it that
/// the model lumps into its cost). Shares are of the samples (host) or CPU time (simulation) under those roots.
/// </summary>
public static class ProfileComparison
{
    /// <summary>
    /// Functions the kernel renamed or inlined since the model's names were taken (the model keeps the names perf
    /// showed on the seed's kernel): 6.16's ops_undo_list inlines ops_exit_list; unregister_netdevice_many is a
    /// wrapper of unregister_netdevice_many_notify since 6.2.
    /// </summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["ops_undo_list"] = "ops_exit_list",
        ["unregister_netdevice_many_notify"] = "unregister_netdevice_many",
    };

    /// <summary>
    /// Callers that a tail call hides from the host's stacks, as (caller seen, callee seen) → the hidden frame between:
    /// netdev_unregister_kobject ends in <c>device_del(dev)</c>, compiled as a jump, so perf sees device_del directly
    /// under unregister_netdevice_many_notify.
    /// </summary>
    private static readonly Dictionary<(string Caller, string Callee), string> TailCalls = new()
    {
        [("unregister_netdevice_many", "device_del")] = "netdev_unregister_kobject",
    };

    /// <summary>A host stack in the model's names, root first, with the frames tail calls hid put back.</summary>
    internal static List<string> CanonicalStack(string folded)
    {
        var frames = new List<string>();
        foreach (var raw in folded.Split(';'))
        {
            var f = Canonical(raw);
            if (frames.Count > 0 && TailCalls.TryGetValue((frames[^1], f), out var hidden))
            {
                frames.Add(hidden);
            }

            frames.Add(f);
        }

        return frames;
    }

    /// <summary>A function's name as the model names it (compiler suffixes dropped, renames undone).</summary>
    internal static string CanonicalName(string f) => Canonical(f);

    private static string Canonical(string f)
    {
        var n = FoldedStacks.Normalise(f);
        return Aliases.GetValueOrDefault(n, n);
    }

    /// <summary>
    /// Whether a host stack is a kernfs root rwsem's contention: a kernfs / sysfs / kobject function's
    /// <c>down_write</c> in <c>rwsem_down_write_slowpath</c> (or <c>down_read</c> in <c>rwsem_down_read_slowpath</c>),
    /// or its <c>up_write</c> / <c>up_read</c> in <c>rwsem_wake</c>. kernel/locking/rwsem.c enters those only when
    /// the lock is contended: <c>__down_write_common</c> calls the slowpath only when <c>rwsem_write_trylock</c>'s
    /// cmpxchg fails, <c>__up_write</c> calls <c>rwsem_wake</c> only when <c>RWSEM_FLAG_WAITERS</c> is set. The model
    /// has no kernfs lock and no contender for it; on the host the contender was the probe's own observer (every 1 ms a
    /// stat of every remaining peer's /sys/class/net directory: <c>kernfs_dop_revalidate</c> and
    /// <c>kernfs_iop_lookup</c> take <c>kernfs_rwsem</c> for read, fs/kernfs/dir.c; <see cref="LinkMonitor"/>), so the
    /// host's shares are compared without those samples (docs/calibration.md "perf shares, seventh round").
    /// </summary>
    internal static bool IsKernfsLockContention(IReadOnlyList<string> frames)
    {
        for (var j = 1; j + 1 < frames.Count; j++)
        {
            var contended = (frames[j], frames[j + 1]) switch
            {
                ("down_write", "rwsem_down_write_slowpath") or ("down_read", "rwsem_down_read_slowpath") => true,
                ("up_write" or "up_read", "rwsem_wake") => true,
                _ => false,
            };
            if (contended && IsKernfsCaller(frames[j - 1]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsKernfsCaller(string f) =>
        f.StartsWith("kernfs_", StringComparison.Ordinal) || f.StartsWith("__kernfs_", StringComparison.Ordinal)
        || f.StartsWith("sysfs_", StringComparison.Ordinal) || f.StartsWith("kobject_", StringComparison.Ordinal)
        || f.StartsWith("__kobject_", StringComparison.Ordinal);

    /// <summary>Every simulated function under the roots, with both shares; ordered by the host's share.</summary>
    public static IReadOnlyList<FunctionShare> Compare(FoldedStacks real, ProfileNode simulated) => Compare(real, [simulated]);

    /// <summary>
    /// As <see cref="Compare(FoldedStacks, ProfileNode)"/> against several simulated runs pooled: their times under the
    /// roots added up, as the host's pooled runs' samples are (<see cref="FoldedStacks.Merge"/>).
    /// </summary>
    public static IReadOnlyList<FunctionShare> Compare(FoldedStacks real, IReadOnlyList<ProfileNode> simulated)
    {
        var sim = SimulatedShares(simulated);
        var host = RealShares(real, sim.Keys.ToHashSet(StringComparer.Ordinal));
        return sim.Keys
            .Select(f => new FunctionShare(f, Math.Round(host.GetValueOrDefault(f), 2), Math.Round(sim[f], 2)))
            .OrderByDescending(s => s.RealPct).ThenByDescending(s => s.SimulatedPct).ThenBy(s => s.Function, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The fit's profile residual: Σ (difference / 100)² over the host's top <paramref name="top"/> functions.</summary>
    public static double SquaredError(FoldedStacks real, IReadOnlyList<ProfileNode> simulated, int top) =>
        Compare(real, simulated).Take(top).Sum(s => s.DifferencePoints * s.DifferencePoints / 1e4);

    /// <summary>100 minus the mean absolute difference in points over the top functions: 100 is the host's profile.</summary>
    public static double RealismScore(IReadOnlyList<FunctionShare> top) =>
        top.Count == 0 ? 0 : Math.Round(100 - top.Average(s => Math.Abs(s.DifferencePoints)), 2);

    public static string Render(string experiment, IReadOnlyList<FunctionShare> shares, int top, long samples, long contended = 0)
    {
        var c = CultureInfo.InvariantCulture;
        var t = shares.Take(top).ToList();
        var sb = new StringBuilder();
        var left = contended > 0 ? string.Create(c, $"; {contended} of them ({100.0 * contended / Math.Max(1, samples):F1} %) kernfs lock contention, left out: not modelled") : "";
        sb.AppendLine(c, $"perf profile of {experiment}'s teardown ({samples} host samples under the netns roots{left}), children %:");
        sb.AppendLine(c, $"  {"function",-34} {"host",8} {"simulated",10} {"diff",8}");
        foreach (var s in t)
        {
            sb.AppendLine(c, $"  {s.Function,-34} {s.RealPct,8:F2} {s.SimulatedPct,10:F2} {s.DifferencePoints,8:+0.00;-0.00}");
        }

        sb.AppendLine(c, $"  realism score {RealismScore(t):F2} (100 − mean |diff| over the top {t.Count}); largest |diff| {(t.Count == 0 ? 0 : t.Max(s => Math.Abs(s.DifferencePoints))):F2} points");
        return sb.ToString();
    }

    private static Dictionary<string, double> SimulatedShares(IReadOnlyList<ProfileNode> roots)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        double all = 0;
        void Under(ProfileNode n, HashSet<string> above)
        {
            var f = Canonical(n.Name);
            var added = above.Add(f);
            if (added)
            {
                totals[f] = totals.GetValueOrDefault(f) + n.TotalMs;
            }

            foreach (var ch in n.Children)
            {
                Under(ch, above);
            }

            if (added)
            {
                above.Remove(f);
            }
        }

        void Find(ProfileNode n)
        {
            if (FoldedStacks.Anchors.Contains(Canonical(n.Name)))
            {
                all += n.TotalMs;
                Under(n, new HashSet<string>(StringComparer.Ordinal));
                return;
            }

            foreach (var ch in n.Children)
            {
                Find(ch);
            }
        }

        foreach (var root in roots)
        {
            Find(root);
        }

        return totals.ToDictionary(p => p.Key, p => all > 0 ? 100 * p.Value / all : 0, StringComparer.Ordinal);
    }

    /// <summary>Samples per known function (each sample counted once per function on its stack below the outermost root).</summary>
    private static Dictionary<string, double> RealShares(FoldedStacks real, HashSet<string> known)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long all = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (stack, n) in real.Stacks)
        {
            var frames = CanonicalStack(stack);
            var i = frames.FindIndex(FoldedStacks.Anchors.Contains);
            if (i < 0 || IsKernfsLockContention(frames))
            {
                continue;
            }

            all += n;
            seen.Clear();
            for (var j = i; j < frames.Count; j++)
            {
                if (known.Contains(frames[j]) && seen.Add(frames[j]))
                {
                    counts[frames[j]] = counts.GetValueOrDefault(frames[j]) + n;
                }
            }
        }

        return counts.ToDictionary(p => p.Key, p => all > 0 ? 100.0 * p.Value / all : 0, StringComparer.Ordinal);
    }

    /// <summary>
    /// The perf comparison of every experiment that has a host profile: the experiment replayed as its perf runs went
    /// (<see cref="Replay.PerfProfiles"/>) under <paramref name="profile"/>, its simulated teardown profiles pooled against the host's folded stacks.
    /// </summary>
    public static IReadOnlyList<(Experiment Experiment, IReadOnlyList<FunctionShare> Shares, long Samples, long Contended)> ForSet(Replay replay, Simulation.Profiles.KernelProfile profile, CancellationToken token = default)
    {
        var list = new List<(Experiment, IReadOnlyList<FunctionShare>, long, long)>();
        foreach (var e in replay.Set.Experiments.Where(e => e.Perf is not null))
        {
            var path = Path.Combine(replay.Directory, e.Perf!);
            if (!File.Exists(path))
            {
                continue;
            }

            var real = FoldedStacks.Load(path);
            list.Add((e, Compare(real, replay.PerfProfiles(profile, e, token)), AnchoredSamples(real), ContendedSamples(real)));
        }

        return list;
    }

    /// <summary>
    /// The host's own run-to-run spread behind a pooled profile: for each of <paramref name="top"/>'s functions, the
    /// largest difference (points) between one perf-sampled run's share (its <c>.runK.folded</c>) and the pooled
    /// share; empty when the folder keeps no per-run profiles. What "within 5 points" can mean for one session.
    /// </summary>
    public static IReadOnlyList<(string Function, double MaxRunDifferencePoints)> HostRunSpread(string directory, Experiment e, IReadOnlyList<FunctionShare> top)
    {
        if (e.Perf is null || e.PerfRuns is not > 1)
        {
            return [];
        }

        var functions = top.Select(s => s.Function).ToHashSet(StringComparer.Ordinal);
        var runs = new List<Dictionary<string, double>>();
        for (var k = 0; k < e.PerfRuns; k++)
        {
            var path = Path.Combine(directory, Prober.PerfRunFileName(e.Perf, k));
            if (File.Exists(path))
            {
                runs.Add(RealShares(FoldedStacks.Load(path), functions));
            }
        }

        return runs.Count < 2 ? [] : top.Select(s => (s.Function, Math.Round(runs.Max(r => Math.Abs(r.GetValueOrDefault(s.Function) - s.RealPct)), 2))).ToList();
    }

    /// <summary>One line for <see cref="HostRunSpread"/>: how many of the functions every host run has within 5 points of the pool.</summary>
    public static string RenderHostRunSpread(IReadOnlyList<(string Function, double MaxRunDifferencePoints)> spread, int runs)
    {
        if (spread.Count == 0)
        {
            return "";
        }

        var worst = spread.MaxBy(s => s.MaxRunDifferencePoints);
        return string.Create(CultureInfo.InvariantCulture,
            $"  host's own {runs} runs: {spread.Count(s => s.MaxRunDifferencePoints <= 5)} of the top {spread.Count} within 5 points of the pooled share in every run; largest run-to-pool difference {worst.MaxRunDifferencePoints:F2} points ({worst.Function})\n");
    }

    /// <summary>Samples under the roots.</summary>
    public static long AnchoredSamples(FoldedStacks real) =>
        real.Stacks.Where(p => CanonicalStack(p.Key).Any(FoldedStacks.Anchors.Contains)).Sum(p => p.Value);

    /// <summary>Samples under the roots in kernfs lock contention (<see cref="IsKernfsLockContention"/>), left out of the host's shares.</summary>
    public static long ContendedSamples(FoldedStacks real) =>
        real.Stacks.Select(p => (Frames: CanonicalStack(p.Key), p.Value))
            .Where(p => p.Frames.Any(FoldedStacks.Anchors.Contains) && IsKernfsLockContention(p.Frames)).Sum(p => p.Value);
}
