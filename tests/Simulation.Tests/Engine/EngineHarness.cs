using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Tests.Engine;

/// <summary>A bare engine (scheduler, profiler, RCU) for unit tests of its mechanisms.</summary>
internal sealed class EngineHarness
{
    public EngineHarness(int cpus, RcuSpec? rcu = null, long sliceNs = 3_000_000, int hz = 1000)
    {
        Profiler = new Profiler();
        Scheduler = new Scheduler(cpus, sliceNs, Profiler);
        Rcu = new Rcu(Scheduler, rcu ?? new RcuSpec { GpJitter = 0 }, hz, new RandomStream(1, 0, 1));
        Scheduler.Rcu = Rcu;
        Work = Profiler.Func("work");
    }

    public Profiler Profiler { get; }

    public Scheduler Scheduler { get; }

    public Rcu Rcu { get; }

    public int Work { get; }

    public long Now => Scheduler.Now;

    public KThread Spawn(string name, IEnumerable<Step> body) => Scheduler.Spawn(name, Profiler.Func(name), body);

    public void RunAll(long limitNs = 10_000_000_000) => Scheduler.RunUntil(limitNs, () => false, CancellationToken.None);
}
