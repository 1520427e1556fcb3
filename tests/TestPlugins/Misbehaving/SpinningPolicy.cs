using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.Misbehaving;

/// <summary>Burns CPU in every batch admission (spin_iterations of a xorshift), to exceed a per-decision CPU budget.</summary>
public sealed class SpinningPolicy : ICleanupPolicy
{
    private long _iterations;

    public PolicyDescriptor Descriptor { get; } = new(
        "over-budget",
        new Version(1, 0, 0),
        "Test plugin: AdmitBatch spins for spin_iterations.",
        DecisionPoint.BatchAdmission,
        [ParameterSpec.Integer("spin_iterations", 400_000_000, 0, long.MaxValue, "Iterations of busy work per decision.")]);

    public void Configure(PolicyParameters parameters) => _iterations = parameters.GetInt64("spin_iterations");

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context)
    {
        var x = 88172645463325252UL;
        for (var i = 0L; i < _iterations; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }

        return new BatchAdmission(context.Queued, x == 0);
    }
}
