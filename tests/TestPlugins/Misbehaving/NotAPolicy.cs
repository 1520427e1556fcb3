using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.Misbehaving;

/// <summary>Looks like a policy but does not implement <see cref="ICleanupPolicy"/>: the host must refuse it as an entry type.</summary>
public sealed class NotAPolicy
{
    public PolicyDescriptor Descriptor { get; } = new("not-a-policy", new Version(1, 0, 0), "Test plugin: not an ICleanupPolicy.", DecisionPoint.BatchAdmission);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) => context.KernelDefault;
}
