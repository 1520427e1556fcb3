using NetnsPolicy.Sdk;

namespace NetnsPolicy.Simulation.Policies;

/// <summary>The kernel era's own behaviour at every decision point: the baseline of every comparison.</summary>
public sealed class UpstreamPolicy : ICleanupPolicy
{
    public const string PolicyId = "upstream";

    public PolicyDescriptor Descriptor { get; } = new(
        PolicyId,
        new Version(1, 0, 0),
        "What the kernel profile's era does: no decision overridden.",
        DecisionPoint.None);
}
