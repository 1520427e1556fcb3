namespace NetnsPolicy.Simulation.Engine;

/// <summary>What a kernel thread asks the engine to do next.</summary>
internal enum StepKind : byte
{
    /// <summary>Consume CPU time (queues for a CPU if none is free).</summary>
    Run,

    /// <summary>Enter a simulated kernel function implemented by another coroutine.</summary>
    Call,

    /// <summary>Take a sleeping lock for write (a mutex is a write-only rwsem).</summary>
    Lock,

    Unlock,

    /// <summary>Take a reader-writer semaphore for read.</summary>
    LockRead,

    UnlockRead,

    /// <summary>Sleep on a wait queue until woken.</summary>
    Wait,

    /// <summary>Sleep for a fixed time.</summary>
    Sleep,

    /// <summary><c>synchronize_rcu()</c>.</summary>
    SyncRcu,

    /// <summary><c>synchronize_rcu_expedited()</c>.</summary>
    SyncRcuExpedited,

    /// <summary><c>cond_synchronize_rcu(cookie)</c>: wait until the polled grace period <c>Value</c> has completed.</summary>
    CondSyncRcu,

    /// <summary><c>rcu_barrier()</c>.</summary>
    RcuBarrier,

    /// <summary><c>rcu_read_lock()</c>.</summary>
    ReadLock,

    /// <summary><c>rcu_read_unlock()</c>.</summary>
    ReadUnlock,

    /// <summary>
    /// <c>cond_resched()</c>: the thread's next CPU segment may give the CPU away when its slice is over and others
    /// wait. Only yielded on a non-preemptible kernel (<see cref="Scheduler.PreemptAtCondReschedOnly"/>), where these
    /// and sleeps are a kernel thread's only scheduling points.
    /// </summary>
    CondResched,
}
