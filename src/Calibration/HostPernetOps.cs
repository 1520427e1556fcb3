using System.Globalization;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Calibration;

/// <summary>
/// The host's own pernet op set (docs/calibration.md, "The host's pernet operations"): an era profile lists the ops of a
/// typical kernel of its time, with estimated costs, and a host need not have them all (this VM's 6.18 has no SUNRPC,
/// so neither sunrpc_exit_net nor rpcsec_gss_exit_net runs in its cleanup_net). Two pieces of evidence, both recorded by
/// <c>probe</c> in the measurement folder:
/// <list type="bullet">
/// <item>the kernel's symbols (<see cref="SymbolsFile"/>, the init/exit function names of /proc/kallsyms): a plain op
/// none of whose functions the host's kernel has is not registered there, and is dropped with its init and exit;</item>
/// <item>the perf-sampled teardowns of the fitted bursts: an op's exit function that takes samples costs, per netns,
/// its inclusive samples × the sampling period / the netns torn down in that run — that replaces the era's estimate
/// of the op's exit cost.</item>
/// </list>
/// Structure (what an op waits for, its RTNL use, its callbacks) stays the era's; the loopback, default-device, uevent
/// and tunnel ops are the model's own mechanisms and stay (a tunnel op exists only when a workload loads its module).
/// </summary>
public static class HostPernetOps
{
    /// <summary>The host's init/exit function names, one a line (written by <c>probe</c> from /proc/kallsyms).</summary>
    public const string SymbolsFile = "kallsyms-init-exit.txt";

    /// <summary>perf record -F 999 (<see cref="PerfRecorder"/>): one sample is 1/999 s of CPU.</summary>
    public const double SamplePeriodNs = 1e9 / 999;

    /// <summary>Fewer samples than this over the fitted profiles do not measure a cost (sampling noise of ±1–2 samples).</summary>
    public const int MinSamples = 3;

    /// <summary>
    /// Ops whose function the era profile names by an older name: udp's pernet op runs udp_pernet_init /
    /// udp_pernet_exit from 6.2 on (net/ipv4/udp.c, 'udp: Introduce optional per-netns hash table', Iwashima, Nov 2022:
    /// the symbols are absent from 5.19 and present from 6.2), not udp_exit_net.
    /// </summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["udp_exit_net"] = "udp_pernet_exit",
    };

    /// <summary>
    /// The plain op that stands for the host's pernet exit work no op of the profile models
    /// (<see cref="UnmodelledExitWork"/>): one CPU segment per net in ops_exit_list, no init cost.
    /// </summary>
    public const string UnmodelledExitsOp = "host_unmodelled_pernet_exits";

    /// <summary>Frames right under ops_exit_list that are the loop's scheduling or grace-period waits (modelled as such), not exit work.</summary>
    private static readonly HashSet<string> NotExitWork = new(StringComparer.Ordinal)
    {
        "__cond_resched", "schedule", "synchronize_rcu", "synchronize_rcu_expedited", "synchronize_net", "rcu_barrier", "wait_for_completion",
    };

    /// <summary>What <see cref="Apply"/> changed, for the profile's provenance.</summary>
    public sealed record Result(KernelProfile Profile, IReadOnlyList<string> Dropped, IReadOnlyList<(string Op, long EraNs, long HostNs, long Samples)> Measured, long UnmodelledExitSamples, long Nets)
    {
        /// <summary>Samples of exit work under ops_exit_list that no op models (<see cref="UnmodelledExitWork"/>), and the cost per net they give.</summary>
        public long UnmodelledWorkSamples { get; init; }

        public long UnmodelledWorkNs { get; init; }
    }

    /// <summary>Reads the symbols of a measurement folder, or null when the probe recorded none.</summary>
    public static IReadOnlySet<string>? LoadSymbols(string dir)
    {
        var path = Path.Combine(dir, SymbolsFile);
        return File.Exists(path)
            ? File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal)
            : null;
    }

    /// <summary>The init/exit function names of /proc/kallsyms (text symbols, compiler suffixes dropped), sorted.</summary>
    public static IReadOnlyList<string> ReadKallsyms(TextReader kallsyms)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        while (kallsyms.ReadLine() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 3 && parts[1] is "t" or "T" && !parts[2].StartsWith("__pfx_", StringComparison.Ordinal)
                && (parts[2].Contains("init", StringComparison.Ordinal) || parts[2].Contains("exit", StringComparison.Ordinal)))
            {
                names.Add(FoldedStacks.Normalise(parts[2]));
            }
        }

        return [.. names];
    }

    /// <summary>
    /// <paramref name="profile"/> with the host's op set and measured exit costs. <paramref name="perf"/>: the fitted
    /// bursts' folded teardown profiles with the netns each tore down.
    /// </summary>
    public static Result Apply(KernelProfile profile, IReadOnlySet<string> symbols, IReadOnlyList<(FoldedStacks Stacks, int Nets)> perf)
    {
        var inclusive = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (stacks, _) in perf)
        {
            foreach (var (stack, count) in stacks.Stacks)
            {
                foreach (var f in stack.Split(';').Distinct(StringComparer.Ordinal))
                {
                    inclusive[f] = inclusive.GetValueOrDefault(f) + count;
                }
            }
        }

        var nets = perf.Sum(p => (long)p.Nets);
        var dropped = new List<string>();
        var measured = new List<(string, long, long, long)>();
        var ops = new List<PernetOpSpec>();
        var modelled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in profile.PernetOps)
        {
            if (op.Behaviour != PernetOpBehaviour.Plain)
            {
                ops.Add(op);
                continue;
            }

            var exitName = Aliases.GetValueOrDefault(op.Name, op.Name);
            string[] candidates = [op.Name, exitName, exitName + "_batch", exitName.Replace("exit", "init", StringComparison.Ordinal)];
            modelled.UnionWith(candidates);
            if (!candidates.Any(symbols.Contains))
            {
                dropped.Add(op.Name);
                continue;
            }

            var samples = inclusive.GetValueOrDefault(exitName);
            if (nets > 0 && samples >= MinSamples && op.ExitNs > 0)
            {
                var ns = (long)Math.Round(samples * SamplePeriodNs / nets);
                measured.Add((op.Name, op.ExitNs, ns, samples));
                ops.Add(op with { ExitNs = ns });
            }
            else
            {
                ops.Add(op);
            }
        }

        // Exit functions the host samples that no op of the profile models (mptcp, unix, packet…), by name.
        var unmodelled = inclusive.Where(p => IsPernetExit(p.Key) && !modelled.Contains(p.Key)).Sum(p => p.Value);

        // Their work, and the exits the compiler inlined into ops_undo_list: one plain op of the measured cost per net.
        foreach (var op in profile.PernetOps.Where(o => o.Behaviour != PernetOpBehaviour.Plain))
        {
            modelled.UnionWith([op.Name, op.Name + "_batch"]);
        }

        var work = UnmodelledExitWork(perf.Select(p => p.Stacks), modelled);
        var workNs = nets > 0 && work >= MinSamples ? (long)Math.Round(work * SamplePeriodNs / nets) : 0;
        if (workNs > 0)
        {
            var lastPlain = ops.FindLastIndex(o => o.Behaviour == PernetOpBehaviour.Plain);
            ops.Insert(lastPlain + 1, new PernetOpSpec { Name = UnmodelledExitsOp, Behaviour = PernetOpBehaviour.Plain, ExitNs = workNs });
        }

        return new Result(profile with { PernetOps = ops }, dropped, measured, unmodelled, nets) { UnmodelledWorkSamples = work, UnmodelledWorkNs = workNs };
    }

    /// <summary>
    /// Samples of the per-net exit work the profile's ops do not model: host stacks under ops_exit_list (6.16+:
    /// ops_undo_list, which inlines it) outside default_device_exit_batch that pass through no modelled op's function
    /// and are not the loop's own cond_resched or grace-period waits. On this VM's 6.18 they are most of the plain exits'
    /// samples (2026-12-02: 122 of 204 at 512 netns, 297 of 497 at 2000): exits no era op lists (br_netfilter, vxlan,
    /// ioam6, packet, unix, mptcp, nf_log, ip(6)mr…) and exits the compiler inlined into ops_undo_list, whose samples
    /// sit directly under it (remove_proc_entry, kfree, sock_release, free_percpu: net/core/net_namespace.c
    /// ops_exit_list calls <c>ops-&gt;exit(net)</c> through a pointer, but a small exit can be inlined at an indirect
    /// call promoted by the compiler, and then has no frame of its own). Structure assumed: plain CPU work per net, no
    /// RTNL and no grace period (docs/calibration.md "perf shares, seventh round").
    /// </summary>
    internal static long UnmodelledExitWork(IEnumerable<FoldedStacks> perf, IReadOnlySet<string> modelled)
    {
        long samples = 0;
        foreach (var stacks in perf)
        {
            foreach (var (stack, count) in stacks.Stacks)
            {
                var frames = ProfileComparison.CanonicalStack(stack);
                var i = frames.IndexOf("ops_exit_list");
                if (i < 0 || !frames.Contains("cleanup_net") || frames.Contains("default_device_exit_batch")
                    || (i + 1 < frames.Count && NotExitWork.Contains(frames[i + 1]))
                    || frames.Skip(i + 1).Any(modelled.Contains))
                {
                    continue;
                }

                samples += count;
            }
        }

        return samples;
    }

    /// <summary>The provenance sentence of <paramref name="r"/>.</summary>
    public static string Describe(Result r)
    {
        var c = CultureInfo.InvariantCulture;
        var m = string.Join(", ", r.Measured.Select(x => string.Create(c, $"{x.Op} {x.EraNs}→{x.HostNs} ns ({x.Samples} samples)")));
        return string.Create(c,
            $"Host pernet ops ({SymbolsFile} and the fitted bursts' perf profiles, {r.Nets} netns torn down, 1/999 s per sample): dropped as absent from the host's kernel {(r.Dropped.Count == 0 ? "none" : string.Join(", ", r.Dropped))}; exit cost measured for {(r.Measured.Count == 0 ? "none" : m)}; {r.UnmodelledExitSamples} samples in host exit functions no op models; {r.UnmodelledWorkSamples} samples of exit work under ops_exit_list through no modelled op{(r.UnmodelledWorkNs > 0 ? $", added as {UnmodelledExitsOp} ({r.UnmodelledWorkNs} ns per net)" : "")}. ");
    }

    private static bool IsPernetExit(string f) =>
        f != "default_device_exit_batch" && (f.EndsWith("_exit_net", StringComparison.Ordinal) || f.EndsWith("_net_exit", StringComparison.Ordinal) || f.EndsWith("_net_exit_batch", StringComparison.Ordinal) || f.EndsWith("_exit_batch", StringComparison.Ordinal) || f.EndsWith("_pre_exit", StringComparison.Ordinal));
}
