using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.FileIo;

/// <summary>Reads a file to decide: the static check must refuse it, naming File.Exists.</summary>
public sealed class FileIoPolicy : ICleanupPolicy
{
    public PolicyDescriptor Descriptor { get; } = new("file-io", new Version(1, 0, 0), "Test plugin: uses File I/O.", DecisionPoint.BatchAdmission);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) =>
        File.Exists("/tmp/netns-policy-batch-one") ? new BatchAdmission(1, Requeue: context.Queued > 1) : context.KernelDefault;
}
