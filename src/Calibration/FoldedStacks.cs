using System.Globalization;
using System.Text.RegularExpressions;

namespace NetnsPolicy.Calibration;

/// <summary>
/// Kernel stacks of a perf profile, folded (Brendan Gregg's format: <c>root;…;leaf count</c>, one line per distinct
/// stack) and restricted to the netns paths. Function names are normalised as the simulation names them: compiler
/// suffixes (<c>.isra.0</c>, <c>.constprop.0</c>, <c>.part.0</c>, <c>.cold</c>) dropped.
/// </summary>
public sealed partial class FoldedStacks
{
    /// <summary>
    /// Roots of the work a teardown does (the simulation's roots: the netns workqueue's cleanup_net, creations'
    /// copy_net_ns and the final __put_net, RCU callbacks and expedited-GP handlers).
    /// </summary>
    public static IReadOnlySet<string> Anchors { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "cleanup_net", "copy_net_ns", "__put_net", "rcu_do_batch", "rcu_core", "sync_rcu_exp_handler",
    };

    private const int MaxDepth = 64;

    public Dictionary<string, long> Stacks { get; } = new(StringComparer.Ordinal);

    /// <summary>Every sample perf took (all CPUs, all work), kept samples included.</summary>
    public long TotalSamples { get; private set; }

    public static string Normalise(string name) => Suffix().Replace(name, "");

    /// <summary>Reads <c>perf script -F ip,sym</c>: each sample is a block of "address symbol" lines, leaf first, ended by a blank line.</summary>
    public static FoldedStacks Parse(TextReader r)
    {
        var f = new FoldedStacks();
        var frames = new List<string>();
        void Flush()
        {
            if (frames.Count == 0)
            {
                return;
            }

            f.TotalSamples++;
            if (frames.Any(Anchors.Contains))
            {
                frames.Reverse();
                var key = string.Join(';', frames.Count > MaxDepth ? frames.Skip(frames.Count - MaxDepth) : frames);
                f.Stacks[key] = f.Stacks.GetValueOrDefault(key) + 1;
            }

            frames.Clear();
        }

        while (r.ReadLine() is { } line)
        {
            var t = line.Trim();
            if (t.Length == 0)
            {
                Flush();
                continue;
            }

            var sp = t.IndexOf(' ', StringComparison.Ordinal);
            if (sp < 0)
            {
                continue;
            }

            var sym = t[(sp + 1)..].Trim();
            var plus = sym.IndexOf('+', StringComparison.Ordinal);
            if (plus > 0)
            {
                sym = sym[..plus];
            }

            if (sym.Length > 0 && sym != "[unknown]" && !sym.StartsWith('('))
            {
                frames.Add(Normalise(sym));
            }
        }

        Flush();
        return f;
    }

    /// <summary>
    /// Several profiles as one: every stack's samples added up, and their totals. A pool of runs weighs each run by its
    /// samples, as one long recording of them would.
    /// </summary>
    public static FoldedStacks Merge(IEnumerable<FoldedStacks> profiles)
    {
        var merged = new FoldedStacks();
        foreach (var p in profiles)
        {
            foreach (var (stack, n) in p.Stacks)
            {
                merged.Stacks[stack] = merged.Stacks.GetValueOrDefault(stack) + n;
            }

            merged.TotalSamples += p.TotalSamples;
        }

        return merged;
    }

    public void Save(string path)
    {
        using var w = new StreamWriter(path);
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# perf record -a -g -e cpu-clock:k -F 999; folded kernel stacks through {string.Join(", ", Anchors.Order(StringComparer.Ordinal))}; total samples {TotalSamples}"));
        foreach (var (k, v) in Stacks.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k} {v}"));
        }
    }

    public static FoldedStacks Load(string path)
    {
        var f = new FoldedStacks();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith('#'))
            {
                var m = TotalRegex().Match(line);
                if (m.Success)
                {
                    f.TotalSamples = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                }

                continue;
            }

            var sp = line.LastIndexOf(' ');
            if (sp > 0)
            {
                f.Stacks[line[..sp]] = f.Stacks.GetValueOrDefault(line[..sp]) + long.Parse(line[(sp + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return f;
    }

    [GeneratedRegex(@"(\.(isra|constprop|part|cold|llvm)(\.\d+)?)+$")]
    private static partial Regex Suffix();

    [GeneratedRegex(@"total samples (\d+)")]
    private static partial Regex TotalRegex();
}
