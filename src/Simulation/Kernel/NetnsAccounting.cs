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
    // The samples in arrays of this assembly's own code, not List<double> / List<long>: CoreLib's generics over those
    // are not precompiled (7 tier-0 JIT compilations in `simulate`; docs/benchmarks.md, "Issue 16, sixth round").
    private readonly double[] _sampleTimes = new double[MaxSamples];
    private readonly int[] _sampleBacklog = new int[MaxSamples];
    private readonly long[] _sampleMemory = new long[MaxSamples];
    private int _samples;
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

    /// <summary>The sample times so far (ms), in a new array.</summary>
    public IReadOnlyList<double> SampleTimes => Taken(_sampleTimes);

    /// <summary>The backlog at each sample time, in a new array.</summary>
    public IReadOnlyList<int> SampleBacklog => Taken(_sampleBacklog);

    /// <summary>The namespaces' memory at each sample time, in a new array.</summary>
    public IReadOnlyList<long> SampleMemory => Taken(_sampleMemory);

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

        if (_samples >= MaxSamples)
        {
            Decimate(_sampleTimes);
            Decimate(_sampleBacklog);
            _samples = Decimate(_sampleMemory);
            _sampleInterval *= 2;
        }

        _sampleTimes[_samples] = s.Now / 1e6;
        _sampleBacklog[_samples] = Backlog;
        _sampleMemory[_samples] = Memory;
        _samples++;
        _nextSample = (s.Now / _sampleInterval * _sampleInterval) + _sampleInterval;
    }

    /// <summary>The last sample, taken whatever the interval (at the end of the run).</summary>
    public void SampleNow()
    {
        _nextSample = 0;
        Sample();
    }

    /// <summary>Keeps every other sample (the first, the third, …) at the front; returns how many are kept.</summary>
    private int Decimate<T>(T[] samples)
    {
        var kept = 0;
        for (var i = 0; i < _samples; i += 2)
        {
            samples[kept++] = samples[i];
        }

        return kept;
    }

    private T[] Taken<T>(T[] samples)
    {
        var taken = samples;
        Arrays.Resize(ref taken, _samples);
        return taken;
    }
}
