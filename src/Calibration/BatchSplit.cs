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
    /// Median time of one umount in the release (µs; -1 where there were none) while a cleanup_net batch ran and while
    /// none did. Each umount waits for an expedited grace period (<c>namespace_unlock</c>, fs/namespace.c), which on a
    /// kernel without preemptible RCU needs a quiescent state from every other busy CPU; one running cleanup_net with
    /// preemption or softirqs disabled reports it only at its next context switch (kernel/rcu/tree_exp.h,
    /// <c>rcu_exp_handler</c>).
    /// </summary>
    public static (double InBatchUs, double IdleUs) UmountUs(IReadOnlyList<(long Start, long End)> traced, long release, IReadOnlyList<long> burstReleased)
    {
        var inBatch = new List<double>();
        var idle = new List<double>();
        var previous = release;
        foreach (var t in burstReleased)
        {
            var us = (t - previous) * 1e6 / Stopwatch.Frequency;
            var running = traced.Any(b => b.Start <= t && (b.End < 0 || b.End > t));
            (running ? inBatch : idle).Add(us);
            previous = t;
        }

        return (inBatch.Count == 0 ? -1 : Prober.Percentile(inBatch, 0.5), idle.Count == 0 ? -1 : Prober.Percentile(idle, 0.5));
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
