using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// Other work on the host (compilers, daemons) as threads that take CPUs from the workload: k threads, each
/// alternating an exponential burst of CPU work with an exponential sleep, so that on average
/// <see cref="VariationSpec.CompetingCpus"/> CPUs are busy with it. They go through the same run queue and time slices
/// as kernel threads, and count as busy CPUs for the RCU grace period's length. Like every CPU segment, each burst also
/// gets the run's and the per-segment cost factor (<see cref="HostVariation.Cost"/>), which keeps its mean and widens its
/// spread. Their time is charged to <c>host_other_work</c> in the profile.
/// </summary>
internal static class CompetingWork
{
    public const string RootFunction = "host_other_work";

    public static void Spawn(Scheduler s, VariationSpec spec, ulong seed, int replication)
    {
        if (spec.CompetingCpus <= 0)
        {
            return;
        }

        // One thread more than the mean load, so each one's duty cycle stays below 1 and the load fluctuates.
        var threads = (int)Math.Ceiling(spec.CompetingCpus) + 1;
        var duty = spec.CompetingCpus / threads;
        var burstNs = spec.CompetingBurstUs * 1000;
        var sleepNs = burstNs * (1 - duty) / duty;
        var root = s.Profiler.Func(RootFunction);
        for (var i = 0; i < threads; i++)
        {
            s.Spawn("other" + i, root, Body(new RandomStream(seed, replication, HostVariation.StreamCompeting + (ulong)i), burstNs, sleepNs));
        }
    }

    private static IEnumerable<Step> Body(RandomStream r, double burstNs, double sleepNs)
    {
        // Start at a random phase of the cycle, so the threads do not begin in step.
        yield return Step.Sleep((long)(r.NextDouble() * (burstNs + sleepNs)));
        while (true)
        {
            yield return Step.Self(Math.Max(1, (long)r.NextExponential(burstNs)));
            yield return Step.Sleep(Math.Max(1, (long)r.NextExponential(sleepNs)));
        }
    }
}
