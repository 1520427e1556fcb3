using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.Misbehaving;

/// <summary>Frees before a grace period: skips every synchronize site. The RCU-safety oracle must disqualify it.</summary>
public sealed class UnsafeRcuPolicy : ICleanupPolicy
{
    public PolicyDescriptor Descriptor { get; } = new("unsafe-rcu", new Version(1, 0, 0), "Test plugin: GracePeriodMode.Skip at every site.", DecisionPoint.GracePeriod);

    public GracePeriodMode ChooseGracePeriod(in GracePeriodContext context) => GracePeriodMode.Skip;
}
