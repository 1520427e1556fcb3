using System.Diagnostics;

namespace NetnsPolicy.Calibration;

/// <summary>
/// One cleanup_net batch of a burst's teardown on the host: when it ran (ms from the release's start; an end of -1: it
/// had not ended when tracing stopped) and the nets it took — the burst's and the creation probe's released between
/// the previous batch's start and its own, since cleanup_net empties <c>cleanup_list</c> when it starts
/// (net/core/net_namespace.c, <c>llist_del_all</c>).
/// </summary>
internal readonly record struct BatchSplit(double StartMs, double EndMs, int BurstNets, int ProbeNets)
{
    /// <summary>
    /// Every traced batch (from the creation phase on: StartMs &lt; 0 before the release), from traced (start, end)
    /// timestamps and each burst and probe net's release timestamp; the first batch's nets are counted from the
    /// probe's start.
    /// </summary>
    public static IReadOnlyList<BatchSplit> Of(IReadOnlyList<(long Start, long End)> traced, long release, IReadOnlyList<long> burstReleased, IReadOnlyList<long> probeReleased)
    {
        var batches = traced.OrderBy(b => b.Start).ToList();
        var splits = new List<BatchSplit>();
        for (var k = 0; k < batches.Count; k++)
        {
            var after = k == 0 ? long.MinValue : batches[k - 1].Start;
            var before = batches[k].Start;
            splits.Add(new BatchSplit(
                Ms(before - release),
                batches[k].End < 0 ? -1 : Ms(batches[k].End - release),
                burstReleased.Count(t => t >= after && t < before),
                probeReleased.Count(t => t >= after && t < before)));
        }

        return splits;
    }

    /// <summary>
    /// The release's umounts (one thread, in turn): the median one's time (µs), and those that took over 1 ms — how
    /// many, their total (ms) and when the first began (ms from the release). Each umount waits for an expedited grace
    /// period (<c>namespace_unlock</c>, fs/namespace.c). What a stalled one (over 1 ms, 5–7 ms on this VM once a
    /// cleanup_net batch runs) waits for is not settled: this VM's kernel has preemptible RCU, whose
    /// <c>rcu_exp_handler</c> (kernel/rcu/tree_exp.h) reports a CPU outside a reader at once (docs/calibration.md
    /// "The shipped fit, twelfth round").
    /// </summary>
    public static UmountTimes Umounts(long release, IReadOnlyList<long> burstReleased)
    {
        var us = new List<double>(burstReleased.Count);
        var previous = release;
        var stalls = 0;
        var stalledMs = 0.0;
        var firstStallMs = -1.0;
        foreach (var t in burstReleased)
        {
            var d = (t - previous) * 1e6 / Stopwatch.Frequency;
            us.Add(d);
            if (d > 1000)
            {
                stalls++;
                stalledMs += d / 1000;
                if (firstStallMs < 0)
                {
                    firstStallMs = Ms(previous - release);
                }
            }

            previous = t;
        }

        return new UmountTimes(us.Count == 0 ? -1 : Prober.Percentile(us, 0.5), stalls, stalledMs, firstStallMs);
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

/// <summary>A release's umounts: the median's µs, how many took over 1 ms, their total ms and the first one's start (ms from the release; -1: none).</summary>
internal readonly record struct UmountTimes(double MedianUs, int Stalls, double StalledMs, double FirstStallMs);
