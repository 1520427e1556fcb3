using NetnsPolicy.Sdk;

namespace NetnsPolicy.Policies.Adaptive;

/// <summary>
/// Sizes each <c>cleanup_net</c> batch from the state so the setup lock is held about <c>target_hold_ms</c> while
/// creators wait, without letting the backlog grow or memory run out. Reasoning in README.md next to this file.
/// </summary>
public sealed class AdaptivePolicy : ICleanupPolicy
{
    private const string TargetHold = "target_hold_ms";
    private const string InitialCost = "initial_net_cost_us";
    private const string Watermark = "memory_watermark";
    private const string MinBatch = "min_batch";
    private const int MaxGrowth = 64;

    private double _targetHoldNs = 20e6;
    private double _netCostNs = 2.8e6;
    private double _watermark = 0.8;
    private int _minBatch = 4;
    private int _batchesSeen;
    private int _lastQueued;
    private int _lastTaken;
    private int _growth = 1;

    public PolicyDescriptor Descriptor { get; } = new(
        "adaptive",
        new Version(1, 0, 0),
        "Sizes each batch so net_mutex is held about target_hold_ms while creators wait; grows batches when the backlog grows or memory/ucount headroom runs low.",
        DecisionPoint.BatchAdmission,
        [
            ParameterSpec.Real(TargetHold, 20, 0.1, 10_000, "Setup-lock hold time per batch to aim for while creators are waiting, in ms."),
            ParameterSpec.Real(InitialCost, 2800, 1, 1_000_000, "Assumed lock-hold cost per net before the first batch has been measured, in µs (the seed's 2.8 ms)."),
            ParameterSpec.Real(Watermark, 0.8, 0.05, 1, "Fraction of the memory limit or of max_net_namespaces above which every queued net is taken."),
            ParameterSpec.Integer(MinBatch, 4, 1, 100_000, "Smallest batch, so per-batch costs stay amortized."),
        ]);

    public void Configure(PolicyParameters parameters)
    {
        _targetHoldNs = parameters.GetDouble(TargetHold) * 1e6;
        _netCostNs = parameters.GetDouble(InitialCost) * 1e3;
        _watermark = parameters.GetDouble(Watermark);
        _minBatch = (int)parameters.GetInt64(MinBatch);
    }

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context)
    {
        var state = context.State;
        Learn(state);

        var take = NearLimit(state) ? context.Queued : Size(state);
        take = Math.Clamp(take, Math.Min(_minBatch, context.Queued), context.Queued);
        _lastQueued = context.Queued;
        _lastTaken = take;
        return new BatchAdmission(take, Requeue: take < context.Queued);
    }

    // Per-net cost of holding the lock, from the last batch: an exponentially weighted mean, so one batch with an
    // unusual device mix does not swing the next size.
    private void Learn(IKernelState state)
    {
        if (state.BatchesCompleted > _batchesSeen && state.LastBatchSize > 0)
        {
            var sample = (double)state.LastBatchLockHoldNs / state.LastBatchSize;
            _netCostNs = _batchesSeen == 0 ? sample : (0.5 * _netCostNs) + (0.5 * sample);
            _batchesSeen = state.BatchesCompleted;
        }
    }

    // Close to OOM or to max_net_namespaces, freeing wins over latency: creators would fail anyway.
    private bool NearLimit(IKernelState state) =>
        (state.MemoryLimitBytes > 0 && state.MemoryUsedBytes >= _watermark * state.MemoryLimitBytes)
        || (state.NetNamespaceLimit > 0 && state.NetNamespacesCharged >= _watermark * state.NetNamespaceLimit);

    private int Size(IKernelState state)
    {
        // Backlog: if the queue grew by more than the last batch removed, batches are too small to keep up; double
        // the multiplier, and halve it again as the queue shrinks.
        var arrived = _lastTaken == 0 ? 0 : state.CleanupQueueLength - (_lastQueued - _lastTaken);
        _growth = arrived > _lastTaken ? Math.Min(_growth * 2, MaxGrowth) : Math.Max(_growth / 2, 1);

        // Creators already waiting for the setup lock have used part of their budget.
        var waiting = state.CreatorsWaiting > 0 || state.LockWaiters(KernelLock.NetMutex) > 0;
        var budget = waiting ? Math.Max(_targetHoldNs - state.OldestLockWaitNs(KernelLock.NetMutex), _targetHoldNs / 4) : _targetHoldNs;
        var size = budget / Math.Max(_netCostNs, 1) * _growth;
        return (int)Math.Min(size, int.MaxValue);
    }
}
