using System.Diagnostics.Tracing;

namespace NetnsPolicy.Benchmarks;

/// <summary>
/// The bytes the collections of a run promoted: from gen0 into gen1 and from gen1 into gen2, summed over the runtime's
/// GCHeapStats events (one per collection). What survives is what the run keeps alive (the live nets and their
/// devices), and each collection's pause grows with it; the sums follow the allocations and what stays alive, not the
/// machine's load, so they compare two layouts where the pause share (wall-clock) is noisy.
/// </summary>
internal sealed class GcPromotion : EventListener
{
    private readonly Lock _gate = new();
    private long _toGen1;
    private long _toGen2;
    private int _events;

    /// <summary>Bytes promoted from gen0 to gen1, and from gen1 to gen2, so far.</summary>
    public (long ToGen1, long ToGen2, int Collections) Totals()
    {
        lock (_gate)
        {
            return (_toGen1, _toGen2, _events);
        }
    }

    /// <summary>Waits until the events of <paramref name="collections"/> collections have arrived (they come on a dispatcher thread), at most 5 s.</summary>
    public void WaitFor(int collections)
    {
        for (var i = 0; i < 100 && Totals().Collections < collections; i++)
        {
            Thread.Sleep(50);
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1); // GC keyword: GCHeapStats_V2
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCHeapStats", StringComparison.Ordinal) != true || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        long Field(string name) => names.IndexOf(name) is var i and >= 0 ? Convert.ToInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture) : 0;
        lock (_gate)
        {
            _toGen1 += Field("TotalPromotedSize0");
            _toGen2 += Field("TotalPromotedSize1");
            _events++;
        }
    }
}
