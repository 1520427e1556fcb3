namespace NetnsPolicy.Benchmarks;

/// <summary>
/// The classic hold model of event-set benchmarking: a <see cref="PriorityQueue{TElement, TPriority}"/> of pending
/// events kept at a constant size, each hold dequeuing the earliest event and scheduling one later by a random
/// increment. It is measured in the same run as the scenarios, so results from a noisy machine are read as ratios to it.
/// </summary>
internal static class HoldModel
{
    /// <summary>Pending events in the queue (about the engine's queue size on the benchmarked scenarios).</summary>
    public const int QueueSize = 1_000;

    /// <summary>Holds per run.</summary>
    public const int Holds = 1_000_000;

    /// <summary>Runs the holds; returns the last event time so the work cannot be optimised away.</summary>
    public static long Run()
    {
        var queue = new PriorityQueue<int, long>(QueueSize);
        ulong state = 0x9E3779B97F4A7C15UL;
        for (var i = 0; i < QueueSize; i++)
        {
            queue.Enqueue(i, (long)(Next(ref state) % 1_000_000));
        }

        long now = 0;
        for (var i = 0; i < Holds; i++)
        {
            queue.TryDequeue(out var id, out now);
            queue.Enqueue(id, now + 1 + (long)(Next(ref state) % 2_000_000));
        }

        return now;
    }

    // xorshift64*: deterministic, allocation-free increments (the same sequence every run).
    private static ulong Next(ref ulong s)
    {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545F4914F6CDD1DUL;
    }
}
