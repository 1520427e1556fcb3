using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// What the namespaces of a run hold: the ucounts charged against <c>max_net_namespaces</c>, the nets allocated and
/// alive, the released nets not yet freed (the backlog), their memory, and both sampled over time at a fixed interval
/// that doubles (keeping every other sample) when full. <paramref name="expectedNets"/> (init_net, the initial
/// population and the burst, where the workload says) sizes the table of nets' and devices' state.
/// </summary>
internal sealed class NetnsAccounting(Scheduler s, long memoryLimit, int expectedNets = 1)
{
    private const int MaxSamples = 400;
    private readonly ValueList<Net> _live = [];
    private long _sampleInterval = 1_000_000;
    private long _nextSample;
    private int _nextNetId = 1;

    /// <summary>Memory available to namespaces before OOM (bytes), 0 for no limit.</summary>
    public long MemoryLimit => memoryLimit;

    /// <summary>Namespaces charged to the ucount (<c>inc_net_namespaces</c> … <c>dec_net_namespaces</c>).</summary>
    public int Charged { get; set; }

    /// <summary>struct nets allocated and not yet freed.</summary>
    public int Allocated { get; set; }

    public long Memory { get; private set; }

    public long PeakMemory { get; set; }

    /// <summary>When the memory limit was first exceeded, or -1.</summary>
    public long OomAt { get; private set; } = -1;

    /// <summary>Released nets not yet freed.</summary>
    public int Backlog { get; private set; }

    /// <summary>The part of the backlog the creation probe released.</summary>
    public int ProbeBacklog { get; private set; }

    public int PeakBacklog { get; private set; }

    public int LiveCount => _live.Count;

    public List<double> SampleTimes { get; } = new(MaxSamples);

    public List<int> SampleBacklog { get; } = new(MaxSamples);

    public List<long> SampleMemory { get; } = new(MaxSamples);

    /// <summary>The state of every net of the run, init_net's included (id 0).</summary>
    public NetTable Nets { get; } = new(expectedNets);

    public Net NewNet(long bytes)
    {
        var net = Nets.AddNet(_nextNetId++);
        net.MemoryBytes = bytes;
        return net;
    }

    /// <summary>Memory of the initial population: counted without a sample or a limit check.</summary>
    public void AddInitialMemory(long bytes) => Memory += bytes;

    public void ChargeMemory(long bytes)
    {
        Memory += bytes;
        if (Memory > PeakMemory)
        {
            PeakMemory = Memory;
        }

        if (memoryLimit > 0 && Memory > memoryLimit && OomAt < 0)
        {
            OomAt = s.Now;
            s.Halted = true;
        }

        Sample();
    }

    public void Released(Net net)
    {
        Backlog++;
        ProbeBacklog += net.FromProbe ? 1 : 0;
        PeakBacklog = Math.Max(PeakBacklog, Backlog);
    }

    public void Freed(Net net)
    {
        Charged--;
        Allocated--;
        Backlog--;
        ProbeBacklog -= net.FromProbe ? 1 : 0;
        Nets.ReleaseNet(net);
    }

    public void AddLive(Net net)
    {
        net.LiveIndex = _live.Count;
        _live.Add(net);
    }

    /// <summary>Swap-remove from the live list.</summary>
    public void RemoveLive(Net net)
    {
        var i = net.LiveIndex;
        var last = _live[^1];
        _live[i] = last;
        last.LiveIndex = i;
        _live.RemoveAt(_live.Count - 1);
        net.LiveIndex = -1;
    }

    /// <summary>Backlog and memory now, if the sampling interval has passed.</summary>
    public void Sample()
    {
        if (s.Now < _nextSample)
        {
            return;
        }

        if (SampleTimes.Count >= MaxSamples)
        {
            Decimate(SampleTimes);
            Decimate(SampleBacklog);
            Decimate(SampleMemory);
            _sampleInterval *= 2;
        }

        SampleTimes.Add(s.Now / 1e6);
        SampleBacklog.Add(Backlog);
        SampleMemory.Add(Memory);
        _nextSample = (s.Now / _sampleInterval * _sampleInterval) + _sampleInterval;
    }

    /// <summary>The last sample, taken whatever the interval (at the end of the run).</summary>
    public void SampleNow()
    {
        _nextSample = 0;
        Sample();
    }

    private static void Decimate<T>(List<T> list)
    {
        var kept = 0;
        for (var i = 0; i < list.Count; i += 2)
        {
            list[kept++] = list[i];
        }

        list.RemoveRange(kept, list.Count - kept);
    }
}
