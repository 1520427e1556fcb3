using NetnsPolicy.Sdk;

namespace NetnsPolicy.TestPlugins.Misbehaving;

/// <summary>Suppresses every uevent, a live netns's devices included. The uevent oracle must disqualify it.</summary>
public sealed class UnsafeUeventPolicy : ICleanupPolicy
{
    public PolicyDescriptor Descriptor { get; } = new("unsafe-uevent", new Version(1, 0, 0), "Test plugin: suppresses every uevent.", DecisionPoint.UeventEmission);

    public UeventEmission ChooseUeventEmission(in UeventContext context) => UeventEmission.Suppress;
}
