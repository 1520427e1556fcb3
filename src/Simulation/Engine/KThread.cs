using System.Globalization;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// A simulated kernel thread (kworker, a creating process, an RTNL user…): a stack of coroutines, one per simulated
/// kernel function it is inside, plus its scheduling state.
/// </summary>
/// <remarks>
/// The frame stack is an array rented from the scheduler and given back when the last frame is popped, and the name
/// of a numbered thread (<c>conn17</c>) is formatted only when asked for: a churn spawns a thread per namespace
/// (issue 16, churn allocations).
/// </remarks>
internal sealed class KThread : IEventTarget
{
    internal const int EventResume = 0;
    internal const int EventRunDone = 1;
    internal const int EventStartPending = 2;

    private readonly Scheduler _scheduler;
    private readonly string _name;
    private readonly int _index;
    private Frame[] _frames;
    private int _count;

    public KThread(Scheduler scheduler, string name, int rootNode, IEnumerable<Step> body)
        : this(scheduler, name, -1, rootNode, body)
    {
    }

    /// <summary>A numbered thread: its name is <paramref name="name"/> followed by <paramref name="index"/> (when &gt;= 0).</summary>
    public KThread(Scheduler scheduler, string name, int index, int rootNode, IEnumerable<Step> body)
    {
        _scheduler = scheduler;
        _name = name;
        _index = index;
        _frames = scheduler.RentFrames();
        Push(body.GetEnumerator(), rootNode);
    }

    public string Name => _index < 0 ? _name : string.Create(CultureInfo.InvariantCulture, $"{_name}{_index}");

    /// <summary>CPU index while on a CPU, else -1.</summary>
    public int Cpu { get; set; } = -1;

    /// <summary>Start of the current stay on a CPU (for the time slice).</summary>
    public long SliceStart { get; set; }

    /// <summary>
    /// CPU time the thread has had: its <see cref="StepKind.Run"/> steps and the interrupt work that extended them
    /// (an expedited grace period's IPI handler runs on the interrupted thread's CPU, which the host's scheduler counts
    /// as the thread's time on the CPU).
    /// </summary>
    public long CpuNs { get; set; }

    /// <summary>
    /// The factor on the cost of every <see cref="StepKind.Run"/> step this thread starts (1: none). copy_net_ns sets it
    /// for a creation that finds the creation path cold (<see cref="Profiles.CreationCacheSpec"/>) and puts it back.
    /// </summary>
    public double CostFactor { get; set; } = 1.0;

    /// <summary>CPU time still to run for the current <see cref="StepKind.Run"/> step.</summary>
    public long PendingNs { get; set; }

    public int PendingFunc { get; set; }

    public long RunEnd { get; set; }

    public long RunVersion { get; set; }

    /// <summary>A <see cref="StepKind.CondResched"/> came since the thread's last CPU segment.</summary>
    public bool AtCondResched { get; set; }

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

    public int FrameCount => _count;

    /// <summary>The coroutine of the innermost function (cached: read on every step).</summary>
    public IEnumerator<Step> Top { get; private set; } = null!;

    /// <summary>The profiler node of the function the thread is in.</summary>
    public int Node { get; private set; }

    public void Push(IEnumerator<Step> body, int node)
    {
        if (_count == _frames.Length)
        {
            Arrays.Resize(ref _frames, Math.Max(8, _frames.Length * 2));
        }

        _frames[_count++] = new Frame(body, node);
        Top = body;
        Node = node;
    }

    public void Pop()
    {
        Top.Dispose();
        _frames[--_count] = default;
        if (_count > 0)
        {
            var f = _frames[_count - 1];
            Top = f.Body;
            Node = f.Node;
        }
        else
        {
            // The thread has returned from its root: the empty stack goes back for the next thread.
            Top = null!;
            _scheduler.ReturnFrames(_frames);
            _frames = [];
        }
    }

    public void MarkExited() => Exited = true;

    public void Fire(int kind, long version) => _scheduler.OnThreadEvent(this, kind, version);

    public override string ToString() => Name;

    internal readonly record struct Frame(IEnumerator<Step> Body, int Node);
}
