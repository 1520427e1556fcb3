using NetnsPolicy.Sdk;

namespace NetnsPolicy.Policies.Rwsem;

/// <summary>
/// Kirill Tkhai's 2018 design (merge 885842d89a9b, Linux 4.18): <c>net_mutex</c> became <c>pernet_ops_rwsem</c>, taken
/// for read by both <c>setup_net</c> and <c>cleanup_net</c> (only pernet_operations registration takes it for write).
/// Creation no longer waits for a teardown batch, however large the batch is.
/// </summary>
public sealed class RwsemPolicy : ICleanupPolicy
{
    public PolicyDescriptor Descriptor { get; } = new(
        "rwsem",
        new Version(1, 0, 0),
        "Setup and cleanup take pernet_ops_rwsem shared (4.18): creation runs in parallel with teardown.",
        DecisionPoint.LockScope);

    public LockScope ChooseLockScope(in LockScopeContext context) => new(LockMode.Shared, ReleaseEveryOps: 0);
}
