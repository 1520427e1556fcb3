using NetnsPolicy.Sdk;

namespace MyPolicy;

/// <summary>
/// my-policy: a starting point. It caps each cleanup_net batch at max_batch nets, so net_mutex is released between
/// batches, unless namespaces already hold more than half the memory limit (then freeing fast matters more).
/// Replace the logic with yours; keep Overrides and plugin.json in step.
/// </summary>
/// <remarks>
/// Rules for policy code (the host's static check refuses a plugin that breaks them): decide only from the context
/// and your own fields — no clocks, threads, tasks, file or network I/O, environment, processes, reflection,
/// expression trees, unsafe code, finalizers or unseeded randomness. One instance serves one run from one thread. A
/// plugin the host did not ship runs in a sandboxed worker process (docs/plugins.md, "Trust").
/// </remarks>
public sealed class MyPolicy : ICleanupPolicy
{
    private const string MaxBatch = "max_batch";
    private int _maxBatch = 16;

    public PolicyDescriptor Descriptor { get; } = new(
        "my-policy",
        new Version(1, 0, 0),
        "Caps a batch at max_batch nets unless namespaces hold more than half the memory limit.",
        DecisionPoint.BatchAdmission,
        [ParameterSpec.Integer(MaxBatch, 16, 1, 100_000, "Most nets per batch while memory is not under pressure.")]);

    public void Configure(PolicyParameters parameters) => _maxBatch = (int)parameters.GetInt64(MaxBatch);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context)
    {
        var state = context.State;
        var memoryPressure = state.MemoryLimitBytes > 0 && state.MemoryUsedBytes > state.MemoryLimitBytes / 2;
        if (context.Queued <= _maxBatch || memoryPressure)
        {
            return context.KernelDefault;
        }

        // Leave the rest queued and re-queue the work, or those nets would never be freed (liveness oracle).
        return new BatchAdmission(_maxBatch, Requeue: true);
    }
}
