namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// CPU time per simulated kernel function as a call tree, like perf's children/self view. Functions are interned to
/// ints once; nodes are (parent, function) pairs stored in flat arrays, so accounting allocates nothing per event.
/// </summary>
internal sealed class Profiler
{
    private readonly Dictionary<string, int> _funcIds = new(StringComparer.Ordinal);
    private readonly List<string> _funcNames = [];
    private readonly List<int> _nodeFunc = [];
    private readonly List<int> _nodeParent = [];
    private long[] _nodeSelf = new long[256];
    private readonly List<List<int>> _nodeChildren = [];
    private readonly long[] _cacheKeys = CreateCache();
    private readonly int[] _cacheNodes = new int[4096];

    private static long[] CreateCache()
    {
        // A loop, not Array.Fill: CoreLib's generic over long is left to the JIT at start-up (see RingQueue).
        var keys = new long[4096];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = -1;
        }

        return keys;
    }

    public Profiler()
    {
        Root = NewNode(-1, Func("all"));
    }

    public int Root { get; }

    /// <summary>Accounting starts at this simulated time (the teardown window); earlier CPU time is not counted.</summary>
    public long WindowStart { get; set; } = long.MaxValue;

    /// <summary>Accounting stops at this simulated time (a perf recording's end); later CPU time is not counted.</summary>
    public long WindowEnd { get; set; } = long.MaxValue;

    public long TotalNs { get; private set; }

    public int Func(string name)
    {
        if (!_funcIds.TryGetValue(name, out var id))
        {
            id = _funcNames.Count;
            _funcNames.Add(name);
            _funcIds.Add(name, id);
        }

        return id;
    }

    public int Child(int parent, int func)
    {
        // A direct-mapped cache in front of the child lists: called for every CPU segment and call.
        var key = ((long)parent << 32) | (uint)func;
        var slot = (int)((ulong)(key * -7046029254386353131L) >> 52);
        if (_cacheKeys[slot] == key)
        {
            return _cacheNodes[slot];
        }

        var node = FindOrAddChild(parent, func);
        _cacheKeys[slot] = key;
        _cacheNodes[slot] = node;
        return node;
    }

    private int FindOrAddChild(int parent, int func)
    {
        var children = _nodeChildren[parent];
        foreach (var c in children)
        {
            if (_nodeFunc[c] == func)
            {
                return c;
            }
        }

        var n = NewNode(parent, func);
        children.Add(n);
        return n;
    }

    public void Add(int node, long ns, long now)
    {
        if (now >= WindowStart && now < WindowEnd)
        {
            _nodeSelf[node] += ns;
            TotalNs += ns;
        }
    }

    public Metrics.ProfileNode Build()
    {
        var totals = new long[_nodeFunc.Count];
        for (var n = _nodeFunc.Count - 1; n >= 0; n--)
        {
            totals[n] += _nodeSelf[n];
            if (_nodeParent[n] >= 0)
            {
                totals[_nodeParent[n]] += totals[n];
            }
        }

        return BuildNode(Root, totals);
    }

    private Metrics.ProfileNode BuildNode(int n, long[] totals)
    {
        double denom = Math.Max(1, TotalNs);
        // Most time first, then by name. A loop, not LINQ: LINQ's sorting over ints is generic code ReadyToRun leaves to the
        // JIT (docs/benchmarks.md, "Issue 16, fifth round"). The keys are unique (a node's children are distinct functions,
        // so distinct names), so the order is the same whatever the sort.
        var kept = new int[_nodeChildren[n].Count];
        var count = 0;
        foreach (var c in _nodeChildren[n])
        {
            if (totals[c] > 0)
            {
                var i = count++;
                for (; i > 0 && Before(c, kept[i - 1], totals); i--)
                {
                    kept[i] = kept[i - 1];
                }

                kept[i] = c;
            }
        }

        var children = new Metrics.ProfileNode[count];
        for (var i = 0; i < count; i++)
        {
            children[i] = BuildNode(kept[i], totals);
        }

        return new Metrics.ProfileNode
        {
            Name = _funcNames[_nodeFunc[n]],
            SelfMs = _nodeSelf[n] / 1e6,
            TotalMs = totals[n] / 1e6,
            SelfPct = Math.Round(100.0 * _nodeSelf[n] / denom, 4),
            ChildrenPct = Math.Round(100.0 * totals[n] / denom, 4),
            Children = children,
        };
    }

    private bool Before(int a, int b, long[] totals) =>
        totals[a] != totals[b] ? totals[a] > totals[b] : string.CompareOrdinal(_funcNames[_nodeFunc[a]], _funcNames[_nodeFunc[b]]) < 0;

    private int NewNode(int parent, int func)
    {
        if (_nodeFunc.Count == _nodeSelf.Length)
        {
            Arrays.Resize(ref _nodeSelf, _nodeSelf.Length * 2);
        }

        _nodeFunc.Add(func);
        _nodeParent.Add(parent);
        _nodeChildren.Add([]);
        return _nodeFunc.Count - 1;
    }
}
