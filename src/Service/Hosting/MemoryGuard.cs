using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Hosting;

/// <summary>
/// Refuses new work before the process reaches its heap limit (<see cref="ServiceOptions.MaxHeapBytes"/>): a run
/// accepted near the limit would take every other run down with it when the process runs out of memory.
/// </summary>
internal static class MemoryGuard
{
    /// <summary>The heap size above which new work is refused.</summary>
    public static long Limit(ServiceOptions options)
    {
        if (options.MaxHeapBytes > 0)
        {
            return options.MaxHeapBytes;
        }

        // TotalAvailableMemoryBytes is the GC's hard limit when one is set (the standalone service sets 80 % of the
        // machine or container), else the physical memory or container limit.
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3;
    }

    /// <summary>Throws RESOURCE_EXHAUSTED naming <c>memory</c> when the managed heap is over the limit.</summary>
    public static void ThrowIfOverLimit(ServiceOptions options)
    {
        var limit = Limit(options);
        var used = GC.GetTotalMemory(forceFullCollection: false);
        if (used > limit)
        {
            throw new LimitExceededException("memory", $"the service's heap holds {used / (1024 * 1024)} MiB, over its limit of {limit / (1024 * 1024)} MiB; retry when running simulations have finished");
        }
    }
}
