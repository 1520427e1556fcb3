using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.Misbehaving;

/// <summary>Never returns from batch admission: spins until a test's teardown sets <c>Release</c> by reflection, which the host cannot do.</summary>
public sealed class HangingPolicy : ICleanupPolicy
{
    /// <summary>Set (by reflection) in a test's teardown so the abandoned thread stops burning a CPU.</summary>
#pragma warning disable CS0649, IDE0044 // written only by reflection, from outside
    private static volatile bool Release;
#pragma warning restore CS0649, IDE0044

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
