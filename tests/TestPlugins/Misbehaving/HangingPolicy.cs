using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.Misbehaving;

/// <summary>Never returns from batch admission: spins until a test sets <see cref="Release"/> (its cleanup), which the host cannot do.</summary>
public sealed class HangingPolicy : ICleanupPolicy
{
    /// <summary>Set by a test's teardown so the abandoned thread stops burning a CPU.</summary>
    public static volatile bool Release;

    public PolicyDescriptor Descriptor { get; } = new("never-returns", new Version(1, 0, 0), "Test plugin: AdmitBatch never returns.", DecisionPoint.BatchAdmission);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context)
    {
        var spins = 0L;
        while (!Release)
        {
            spins++;
        }

        return new BatchAdmission(context.Queued, spins < 0);
    }
}
