using System.Diagnostics;
using NetnsPolicy.Calibration;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>The probe's cleanup_net batch trace: parsing tracefs lines and splitting a release into batches.</summary>
[TestFixture]
public sealed class CleanupBatchTraceTests
{
    private static long Ms(double ms) => (long)(ms * Stopwatch.Frequency / 1000);

    [Test]
    public void Parse_PairsStartsWithEndsPerWorker_IgnoresOtherLines()
    {
        string[] lines =
        [
            "# tracer: nop",
            "     kworker/u8:2-63      [001] .....   100.000100: workqueue_execute_start: work struct 00000000a1b2c3d4: function cleanup_net",
            "     kworker/u8:1-62      [000] .....   100.000200: workqueue_execute_start: work struct 00000000a1b2c3d4: function cleanup_net",
            "     kworker/u8:2-63      [000] .....   100.050100: workqueue_execute_end: work struct 00000000a1b2c3d4: function cleanup_net",
            "     kworker/u8:1-62      [000] d....   100.000300: some_other_event: x",
            "     garbage line",
            "     kworker/u8:3-64      [001] .....   100.060000: workqueue_execute_start: work struct 00000000a1b2c3d4: function cleanup_net",
        ];

        var batches = CleanupBatchTrace.Parse(lines);

        Assert.That(batches, Has.Count.EqualTo(3));
        Assert.That(batches[0], Is.EqualTo((Ms(100_000.1), Ms(100_050.1))), "worker 63 ended it on another CPU");
        Assert.That(batches[1], Is.EqualTo((Ms(100_000.2), -1L)), "worker 62's start has no end");
        Assert.That(batches[2], Is.EqualTo((Ms(100_060), -1L)), "running when tracing stopped");
    }

    [Test]
    public void Of_NetsGoToTheBatchThatStartsAfterTheirRelease()
    {
        var release = Ms(1000);
        // Batches: one in the creation phase, one running at the release (started 20 ms before), one 10 ms in, one 60 ms in.
        (long, long)[] traced = [(Ms(900), Ms(950)), (Ms(980), Ms(1010)), (Ms(1010), Ms(1055)), (Ms(1060), Ms(1200))];
        long[] burst = [Ms(1001), Ms(1005), Ms(1009.9), Ms(1010), Ms(1030), Ms(1059)];
        long[] probe = [Ms(975), Ms(985), Ms(1020)];

        var splits = BatchSplit.Of(traced, release, burst, probe);

        Assert.That(splits.Select(s => s.StartMs), Is.EqualTo(new[] { -100.0, -20, 10, 60 }).Within(1e-6));
        Assert.That(splits.Select(s => s.BurstNets), Is.EqualTo(new[] { 0, 0, 3, 3 }), "released before a start: that batch; at or after it: the next");
        Assert.That(splits.Select(s => s.ProbeNets), Is.EqualTo(new[] { 0, 1, 1, 1 }));
        Assert.That(splits[3].EndMs, Is.EqualTo(200).Within(1e-6));
    }

    [Test]
    public void Umounts_MedianAndTheStalledOnes()
    {
        var release = Ms(1000);
        // 20 µs each, but for two of 5 ms and 3 ms starting 10 ms and 20 ms into the release.
        var times = new List<long>();
        var t = 1000.0;
        for (var i = 0; i < 2000; i++)
        {
            t += Math.Abs(t - 1010) < 0.01 ? 5 : Math.Abs(t - 1020) < 0.01 ? 3 : 0.02;
            t = Math.Round(t, 4);
            times.Add(Ms(t));
        }

        var u = BatchSplit.Umounts(release, times);

        Assert.That(u.MedianUs, Is.EqualTo(20).Within(0.5));
        Assert.That(u.Stalls, Is.EqualTo(2));
        Assert.That(u.StalledMs, Is.EqualTo(8).Within(0.01));
        Assert.That(u.FirstStallMs, Is.EqualTo(10).Within(0.01));
    }

    [Test]
    public void Of_NoTrace_NoBatches() =>
        Assert.That(BatchSplit.Of([], Ms(1), [Ms(2)], []), Is.Empty);
}
