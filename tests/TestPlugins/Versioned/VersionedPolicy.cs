using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.Versioned;

/// <summary>
/// Built twice (Versioned, VersionedV2): version 1 tears down everything in one batch, version 2 one net per batch,
/// so a run's batch count shows which version it used.
/// </summary>
public sealed class VersionedPolicy : ICleanupPolicy
{
#if VERSION2
    private const int Major = 2;
#else
    private const int Major = 1;
#endif

    public PolicyDescriptor Descriptor { get; } = new("versioned", new Version(Major, 0, 0), $"Test plugin, version {Major}.", DecisionPoint.BatchAdmission);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) =>
        Major == 1 ? context.KernelDefault : new BatchAdmission(1, Requeue: context.Queued > 1);
}
