namespace NetnsPolicy.Sdk;

/// <summary>A batch admission decision.</summary>
/// <param name="Take">How many nets, from the head of <c>cleanup_list</c>, form this batch (1 … queued).</param>
/// <param name="Requeue">
/// Whether the work is queued again for the nets left behind. Leaving nets behind without re-queuing strands
/// them until the next release queues the work — the liveness oracle catches a net that is never freed.
/// </param>
public readonly record struct BatchAdmission(int Take, bool Requeue)
{
    /// <summary>The upstream decision: the whole list, nothing left behind.</summary>
    public static BatchAdmission All(int queued) => new(queued, false);
}
