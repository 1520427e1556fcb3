using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.Misbehaving;

/// <summary>Throws from its first batch admission.</summary>
public sealed class ThrowingPolicy : ICleanupPolicy
{
    public PolicyDescriptor Descriptor { get; } = new("throws", new Version(1, 0, 0), "Test plugin: throws from AdmitBatch.", DecisionPoint.BatchAdmission);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) =>
        throw new InvalidOperationException("deliberate failure in a test plugin");
}
