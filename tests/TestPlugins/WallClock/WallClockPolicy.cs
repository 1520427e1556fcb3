using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.WallClock;

/// <summary>Reads the host's wall clock: the static check must refuse it, naming DateTime.Now.</summary>
public sealed class WallClockPolicy : ICleanupPolicy
{
    public PolicyDescriptor Descriptor { get; } = new("wall-clock", new Version(1, 0, 0), "Test plugin: uses DateTime.Now.", DecisionPoint.BatchAdmission);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) =>
        DateTime.Now.Second % 2 == 0 ? context.KernelDefault : new BatchAdmission(1, Requeue: context.Queued > 1);
}
