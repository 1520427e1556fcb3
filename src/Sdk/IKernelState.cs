namespace NetnsPolicy.Sdk;

/// <summary>
/// A read-only view of the simulated kernel at the moment of a decision. Reading it is cheap and has no
/// side effects; it is valid only during the call it was passed to.
/// </summary>
public interface IKernelState
{
    /// <summary>Simulated time since the start of the run, in nanoseconds.</summary>
    long NowNs { get; }

    /// <summary>The kernel profile's id (e.g. <c>v4.9</c>).</summary>
    string KernelProfileId { get; }

    /// <summary>Online CPUs of the simulated machine.</summary>
    int OnlineCpus { get; }

    /// <summary>Nets on <c>cleanup_list</c>: released, not yet taken into a batch.</summary>
    int CleanupQueueLength { get; }

    /// <summary>Nets released but not yet freed (queued plus in a running batch): the backlog.</summary>
    int Backlog { get; }

    /// <summary>Nets alive (created and not released), the init netns included.</summary>
    int LiveNets { get; }

    /// <summary>Threads currently inside <c>copy_net_ns</c> waiting for the setup lock.</summary>
    int CreatorsWaiting { get; }

    /// <summary>Threads currently waiting for <paramref name="lockId"/>.</summary>
    int LockWaiters(KernelLock lockId);

    /// <summary>Longest current wait, in nanoseconds, among the threads waiting for <paramref name="lockId"/> (0 if none).</summary>
    long OldestLockWaitNs(KernelLock lockId);

    /// <summary>Kernel memory held by namespaces, in bytes.</summary>
    long MemoryUsedBytes { get; }

    /// <summary>The workload's memory limit in bytes (the OOM point), or 0 when unlimited.</summary>
    long MemoryLimitBytes { get; }

    /// <summary>Namespaces charged against <c>max_net_namespaces</c>.</summary>
    int NetNamespacesCharged { get; }

    /// <summary>The <c>max_net_namespaces</c> limit.</summary>
    int NetNamespaceLimit { get; }

    /// <summary>Nets created successfully so far.</summary>
    long NetsCreated { get; }

    /// <summary>Nets freed so far.</summary>
    long NetsFreed { get; }

    /// <summary><c>cleanup_net</c> batches completed so far.</summary>
    int BatchesCompleted { get; }

    /// <summary>Size of the last completed batch (0 before the first).</summary>
    int LastBatchSize { get; }

    /// <summary>How long the last completed batch held the setup lock, in nanoseconds (0 before the first).</summary>
    long LastBatchLockHoldNs { get; }
}
