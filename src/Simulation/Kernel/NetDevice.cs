using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// A simulated net device: lo, a veth end, a tunnel fallback device or a physical device. An index into its owner's
/// <see cref="NetTable"/>, whose slot holds its state; constructing one adds the slot.
/// </summary>
internal readonly struct NetDevice : IEquatable<NetDevice>
{
    private readonly NetTable _table;
    private readonly int _index;

    public NetDevice(DeviceTypeSpec type, DeviceKind kind, Net owner, string name)
        : this(owner.Table, owner.Table.AddDevice(type, kind, owner.Id, name))
    {
    }

    internal NetDevice(NetTable table, int index)
    {
        _table = table;
        _index = index;
    }

    public DeviceTypeSpec Type => _table.DeviceType(Slot.TypeIndex);

    public DeviceKind Kind => Slot.Kind;

    public Net Owner
    {
        get => new(_table, Slot.OwnerId);
        set => Slot.OwnerId = value.Id;
    }

    public string Name => _table.DeviceName(_index);

    /// <summary>The other end of a veth pair.</summary>
    public NetDevice? Peer
    {
        get => Slot.PeerIndex < 0 ? null : new NetDevice(_table, Slot.PeerIndex);
        set => Slot.PeerIndex = value is { } peer ? peer._index : -1;
    }

    public ref bool Queued => ref Slot.Queued;

    public ref bool Unregistered => ref Slot.Unregistered;

    /// <summary>RCU time at unlist_netdevice.</summary>
    public ref RcuSnapshot Unlisted => ref Slot.Unlisted;

    /// <summary>When the device's last reference drops (0: at once).</summary>
    public ref long RefsReleasedAt => ref Slot.RefsReleasedAt;

    /// <summary>The device's slot in its table.</summary>
    internal int Index => _index;

    private ref DeviceSlot Slot => ref _table.Device(_index);

    public static bool operator ==(NetDevice left, NetDevice right) => left.Equals(right);

    public static bool operator !=(NetDevice left, NetDevice right) => !left.Equals(right);

    public bool Equals(NetDevice other) => _index == other._index && ReferenceEquals(_table, other._table);

    public override bool Equals(object? obj) => obj is NetDevice other && Equals(other);

    public override int GetHashCode() => _index;

    public override string ToString() => $"{Name}@{Owner}";
}
