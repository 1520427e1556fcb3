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

    /// <summary>Where the CPUs' stalled time is charged (<see cref="VariationSpec.StallsPerSecond"/>).</summary>
    public const string StallFunction = "host_stall";

    public static void Spawn(Scheduler s, VariationSpec spec, ulong seed, int replication)
    {
        if (spec.StallsPerSecond > 0)
        {
            s.Spawn("stall", s.Profiler.Func(StallFunction), Stalls(s, new RandomStream(seed, replication, HostVariation.StreamStall), 1e9 / spec.StallsPerSecond, spec.StallUs * 1000));
        }

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

    /// <summary>
    /// The machine's stalls: at Poisson times the CPUs stop for an exponential stall. Work running on a CPU then
    /// finishes the stall later (<see cref="Scheduler.InterruptAllCpus"/>, as an expedited GP's IPIs delay it), whatever
    /// it holds: a creation takes the stall longer, a teardown holding RTNL holds it the stall longer. An idle CPU is
    /// taken by one of the stall's occupier threads for the stall, so work arriving during it waits as on the host.
    /// (The occupiers' stall gets the segment cost factor like every CPU segment: same mean, wider spread.)
    /// </summary>
    private static IEnumerable<Step> Stalls(Scheduler s, RandomStream r, double intervalNs, double stallNs)
    {
        var func = s.Profiler.Func(StallFunction);
        var state = new StallState();
        var wake = new WaitQueue(s);
        for (var c = 0; c < s.Cpus; c++)
        {
            s.Spawn("stall" + c, func, Occupier(state, wake));
        }

        while (true)
        {
            yield return Step.Sleep(Math.Max(1, (long)r.NextExponential(intervalNs)));
            var ns = Math.Max(1, (long)r.NextExponential(stallNs));
            var idle = s.Cpus - s.BusyCpus;
            s.InterruptAllCpus(null, ns, func);
            if (idle > 0)
            {
                (state.Ns, state.Pending) = (ns, idle);
                wake.WakeAll();
            }
        }
    }

    private static IEnumerable<Step> Occupier(StallState state, WaitQueue wake)
    {
        while (true)
        {
            while (state.Pending == 0)
            {
                yield return Step.Wait(wake);
            }

            state.Pending--;
            yield return Step.Self(state.Ns);
        }
    }

    private sealed class StallState
    {
        public long Ns;
        public int Pending;
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
