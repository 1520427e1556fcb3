using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>perf-style side-by-side profile: the functions with the most self time, one column per policy.</summary>
public static class ProfileTable
{
    /// <summary>Default number of functions shown.</summary>
    public const int DefaultTop = 12;

    /// <summary>Self-time percentage of each function (summed over the call tree) per policy, for the top functions.</summary>
    /// <returns>Function names in descending order of their largest share, and per policy the share of each.</returns>
    public static (IReadOnlyList<string> Functions, IReadOnlyList<double[]> SelfPctByPolicy) Build(IReadOnlyList<PolicySummary> policies, int top = DefaultTop)
    {
        var flat = policies.Select(p => Flatten(p.Profile)).ToArray();
        var functions = flat.SelectMany(f => f)
            .GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Max: g.Max(kv => kv.Value)))
            .Where(f => f.Max > 0)
            .OrderByDescending(f => f.Max)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Take(top)
            .Select(f => f.Name)
            .ToArray();
        var values = flat.Select(f => functions.Select(name => f.TryGetValue(name, out var v) ? v : 0).ToArray()).ToArray();
        return (functions, values);
    }

    /// <summary>Self percentage per function name, summed over the call tree.</summary>
    internal static Dictionary<string, double> Flatten(ProfileNode? root)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        if (root is null)
        {
            return sums;
        }

        var stack = new Stack<ProfileNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node.SelfPct > 0)
            {
                sums[node.Name] = sums.GetValueOrDefault(node.Name) + node.SelfPct;
            }

            foreach (var child in node.Children)
            {
                stack.Push(child);
            }
        }

        return sums;
    }
}
