using System.Diagnostics.Tracing;
using System.Globalization;

namespace NetnsPolicy.Benchmarks;

/// <summary>
/// <c>--alloc SCENARIO</c>: where a run's allocations go, by type, from the runtime's allocation-tick events (one event
/// per about 100 KB allocated, naming the type of the object that crossed the mark: a sample, proportional to bytes).
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public static int Run(string scenario)
    {
        Scenarios.Run(scenario);
        using var sampler = new AllocationSampler();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = Scenarios.Run(scenario);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        KeyValuePair<string, long>[] top;
        lock (sampler._gate)
        {
            top = [.. sampler._bytes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)];
        }

        var sampled = Math.Max(1, top.Sum(kv => kv.Value));
        var lifecycles = Math.Max(1, result.NetsFreed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario}: {allocated / (double)lifecycles:F0} bytes per lifecycle ({allocated / 1048576.0:F0} MiB over {lifecycles:N0}); sampled types:"));
        foreach (var (type, bytes) in top.Take(25))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * bytes / sampled,5:F1}%  ~{allocated * ((double)bytes / sampled) / lifecycles,6:F0} B/lifecycle  {type}"));
        }

        return 0;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: GCAllocationTick_V4
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = names.IndexOf("TypeName") is var ti and >= 0 ? eventData.Payload[ti] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var ai and >= 0 ? Convert.ToInt64(eventData.Payload[ai], CultureInfo.InvariantCulture) : 0;
        lock (_gate)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }
    }
}
