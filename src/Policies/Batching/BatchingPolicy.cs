using NetnsPolicy.Sdk;

namespace NetnsPolicy.Policies.Batching;

/// <summary>
/// The seed's patch (Andrei Vagin, Oct 2016, "net: limit a number of namespaces which can be cleaned up
/// concurrently"): a <c>cleanup_net</c> run takes at most <c>batch_size</c> nets and re-queues the work for the rest, so
/// <c>net_mutex</c> is released between batches and a waiting <c>copy_net_ns</c> gets in. Every batch still pays the
/// per-batch costs (a grace period, <c>rcu_barrier</c>), so the whole teardown takes longer.
/// </summary>
public sealed class BatchingPolicy : ICleanupPolicy
{
    private const string BatchSize = "batch_size";
    private int _batchSize = 32;

    public PolicyDescriptor Descriptor { get; } = new(
        "batching",
        new Version(1, 0, 0),
        "The seed's patch: at most batch_size nets per cleanup_net run, the rest re-queued; net_mutex is released between batches.",
        DecisionPoint.BatchAdmission,
        [ParameterSpec.Integer(BatchSize, 32, 1, 100_000, "Most nets one cleanup_net run tears down.")]);

    public void Configure(PolicyParameters parameters) => _batchSize = (int)parameters.GetInt64(BatchSize);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) =>
        context.Queued <= _batchSize ? new BatchAdmission(context.Queued, Requeue: false) : new BatchAdmission(_batchSize, Requeue: true);
}
