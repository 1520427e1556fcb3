namespace NetnsPolicy.Sdk;

/// <summary>The kind of a simulated net device.</summary>
public enum DeviceKind
{
    /// <summary>The loopback device every netns has.</summary>
    Loopback,

    /// <summary>One end of a veth pair.</summary>
    Veth,

    /// <summary>A tunnel driver's per-netns fallback device (<c>sit0</c>, <c>ip6tnl0</c>, <c>gre0</c>…).</summary>
    Tunnel,

    /// <summary>A physical device, moved back to the init netns when its netns dies.</summary>
    Physical,
}
