namespace NetnsPolicy.Sdk;

/// <summary>How a synchronize site waits.</summary>
public enum GracePeriodMode
{
    /// <summary><c>synchronize_rcu()</c>: a normal grace period, shared with concurrent callers.</summary>
    Normal,

    /// <summary><c>synchronize_rcu_expedited()</c>: fast, but interrupts every CPU.</summary>
    Expedited,

    /// <summary>
    /// Overlapped: a grace period was started early (polled, <c>start_poll_synchronize_rcu</c> when the batch's
    /// state was unpublished, <c>pre_exit</c> style) and this site waits only for that one to end
    /// (<c>cond_synchronize_rcu</c>). One grace period serves every such site of a batch.
    /// </summary>
    Overlapped,

    /// <summary>Do not wait at all. Unsafe: the RCU-safety oracle disqualifies a run that frees state too early.</summary>
    Skip,
}
