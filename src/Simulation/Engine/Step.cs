namespace NetnsPolicy.Simulation.Engine;

/// <summary>One request from a kernel-thread coroutine to the engine. A readonly struct: yielding it allocates nothing.</summary>
internal readonly struct Step
{
    private Step(StepKind kind, int func, long value, object? obj)
    {
        Kind = kind;
        Func = func;
        Value = value;
        Obj = obj;
    }

    public StepKind Kind { get; }

    /// <summary>Profiler function id for <see cref="StepKind.Run"/> and <see cref="StepKind.Call"/>.</summary>
    public int Func { get; }

    public long Value { get; }

    public object? Obj { get; }

    public static Step Run(int func, long ns) => new(StepKind.Run, func, ns, null);

    /// <summary>CPU time charged to the current function itself (perf's self time).</summary>
    public static Step Self(long ns) => new(StepKind.Run, -1, ns, null);

    public static Step Call(int func, IEnumerable<Step> body) => new(StepKind.Call, func, 0, body.GetEnumerator());

    public static Step Lock(SleepLock l) => new(StepKind.Lock, 0, 0, l);

    public static Step Unlock(SleepLock l) => new(StepKind.Unlock, 0, 0, l);

    public static Step LockRead(SleepLock l) => new(StepKind.LockRead, 0, 0, l);

    public static Step UnlockRead(SleepLock l) => new(StepKind.UnlockRead, 0, 0, l);

    public static Step Wait(WaitQueue q) => new(StepKind.Wait, 0, 0, q);

    public static Step Sleep(long ns) => new(StepKind.Sleep, 0, ns, null);

    public static Step SyncRcu() => new(StepKind.SyncRcu, 0, 0, null);

    public static Step SyncRcuExpedited() => new(StepKind.SyncRcuExpedited, 0, 0, null);

    public static Step CondSyncRcu(long cookie) => new(StepKind.CondSyncRcu, 0, cookie, null);

    public static Step RcuBarrier() => new(StepKind.RcuBarrier, 0, 0, null);

    public static Step ReadLock() => new(StepKind.ReadLock, 0, 0, null);

    public static Step ReadUnlock() => new(StepKind.ReadUnlock, 0, 0, null);

    public static Step CondResched() => new(StepKind.CondResched, 0, 0, null);
}
