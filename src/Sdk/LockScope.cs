namespace NetnsPolicy.Sdk;

/// <summary>A lock scope decision for one <c>cleanup_net</c> batch.</summary>
/// <param name="Mode">How the setup lock is taken.</param>
/// <param name="ReleaseEveryOps">
/// 0 to hold the setup lock across the whole batch (the kernel's behaviour); k &gt; 0 to drop and retake it every
/// k pernet operations of the exit phase so creators can get in. Under <see cref="LockMode.Exclusive"/> that lets
/// setup overlap teardown, which the exclusion oracle reports.
/// </param>
public readonly record struct LockScope(LockMode Mode, int ReleaseEveryOps = 0);
