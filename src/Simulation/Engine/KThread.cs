namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// A simulated kernel thread (kworker, a creating process, an RTNL user…): a stack of coroutines, one per simulated
/// kernel function it is inside, plus its scheduling state.
/// </summary>
internal sealed class KThread : IEventTarget
{
    internal const int EventResume = 0;
    internal const int EventRunDone = 1;
    internal const int EventStartPending = 2;

    private readonly Scheduler _scheduler;
    private readonly List<Frame> _frames = new(8);

    public KThread(Scheduler scheduler, string name, int rootNode, IEnumerable<Step> body)
    {
        _scheduler = scheduler;
        Name = name;
        Push(body.GetEnumerator(), rootNode);
    }

    public string Name { get; }

    /// <summary>CPU index while on a CPU, else -1.</summary>
    public int Cpu { get; set; } = -1;

    /// <summary>Start of the current stay on a CPU (for the time slice).</summary>
    public long SliceStart { get; set; }

    /// <summary>CPU time still to run for the current <see cref="StepKind.Run"/> step.</summary>
    public long PendingNs { get; set; }

    public int PendingFunc { get; set; }

    public long RunEnd { get; set; }

    public long RunVersion { get; set; }

    /// <summary>When the thread started waiting for a lock (for wait statistics).</summary>
    public long WaitStart { get; set; }

    /// <summary>RCU read-side nesting start time, or -1 outside a reader.</summary>
    public long ReaderSince { get; set; } = -1;

    /// <summary>Cookie the thread waits for in <see cref="Rcu"/>.</summary>
    public long RcuCookie { get; set; }

    /// <summary>Normal GP epoch when the thread entered its RCU reader.</summary>
    public long ReaderGpEpoch { get; set; }

    /// <summary>Expedited GP epoch when the thread entered its RCU reader.</summary>
    public long ReaderExpEpoch { get; set; }

    public bool Exited { get; private set; }

    public int FrameCount => _frames.Count;

    /// <summary>The coroutine of the innermost function (cached: read on every step).</summary>
    public IEnumerator<Step> Top { get; private set; } = null!;

    /// <summary>The profiler node of the function the thread is in.</summary>
    public int Node { get; private set; }

    public void Push(IEnumerator<Step> body, int node)
    {
        _frames.Add(new Frame(body, node));
        Top = body;
        Node = node;
    }

    public void Pop()
    {
        Top.Dispose();
        _frames.RemoveAt(_frames.Count - 1);
        if (_frames.Count > 0)
        {
            var f = _frames[^1];
            Top = f.Body;
            Node = f.Node;
        }
    }

    public void MarkExited() => Exited = true;

    public void Fire(int kind, long version) => _scheduler.OnThreadEvent(this, kind, version);

    public override string ToString() => Name;

    private readonly record struct Frame(IEnumerator<Step> Body, int Node);
}
