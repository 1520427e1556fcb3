using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Tests.Composition;

/// <summary>A policy that answers fixed values at the points it overrides and records its configuration.</summary>
internal sealed class FakePolicy(string id, DecisionPoint overrides, params ParameterSpec[] parameters) : ICleanupPolicy
{
    public PolicyDescriptor Descriptor { get; } = new(id, new Version(1, 0, 0), "fake", overrides, parameters);

    public PolicyParameters? Configured { get; private set; }

    public int Take { get; init; } = 1;

    public void Configure(PolicyParameters parameters) => Configured = parameters;

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) => new(Take, Requeue: true);

    public GracePeriodMode ChooseGracePeriod(in GracePeriodContext context) => GracePeriodMode.Expedited;
}
