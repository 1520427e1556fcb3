using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>A simulated net device: lo, a veth end, a tunnel fallback device or a physical device.</summary>
internal sealed class NetDevice(DeviceTypeSpec type, DeviceKind kind, Net owner, string name)
{
    public DeviceTypeSpec Type { get; } = type;

    public DeviceKind Kind { get; } = kind;

    public Net Owner { get; set; } = owner;

    public string Name { get; } = name;

    /// <summary>The other end of a veth pair.</summary>
    public NetDevice? Peer { get; set; }

    public bool Queued { get; set; }

    public bool Unregistered { get; set; }

    /// <summary>RCU time at unlist_netdevice.</summary>
    public RcuSnapshot Unlisted { get; set; }

    /// <summary>When the device's last reference drops (0: at once).</summary>
    public long RefsReleasedAt { get; set; }

    public override string ToString() => $"{Name}@{Owner}";
}
