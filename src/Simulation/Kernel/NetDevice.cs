using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// A simulated net device: lo, a veth end, a tunnel fallback device or a physical device. A slot (and the slot's
/// generation) in its owner's <see cref="NetTable"/>, which holds its state; constructing one adds the slot, and
/// <see cref="Unregistered"/> (free_netdev) frees it. A handle to a freed device whose slot was reused throws.
/// </summary>
internal readonly struct NetDevice : IEquatable<NetDevice>
{
    private readonly NetTable _table;
    private readonly int _index;
    private readonly int _generation;

    public NetDevice(DeviceTypeSpec type, DeviceKind kind, Net owner, string name)
        : this(owner.Table.AddDevice(type, kind, owner, name))
    {
    }

    internal NetDevice(NetTable table, int index, int generation)
    {
        _table = table;
        _index = index;
        _generation = generation;
    }

    private NetDevice(NetDevice added)
        : this(added._table, added._index, added._generation)
    {
    }

    public DeviceTypeSpec Type => _table.DeviceType(Slot.TypeIndex);

    public DeviceKind Kind => Slot.Kind;

    public Net Owner
    {
        get => new(_table, Slot.OwnerSlot, Slot.OwnerId);
        set
        {
            ref var slot = ref Slot;
            slot.OwnerSlot = value.Slot;
            slot.OwnerId = value.Id;
        }
    }

    public string Name => _table.DeviceName(_index);

    /// <summary>The other end of a veth pair.</summary>
    public NetDevice? Peer
    {
        get => Slot.PeerIndex < 0 ? null : new NetDevice(_table, Slot.PeerIndex, Slot.PeerGeneration);
        set
        {
            ref var slot = ref Slot;
            slot.PeerIndex = value is { } peer ? peer._index : -1;
            slot.PeerGeneration = value is { } p ? p._generation : 0;
        }
    }

    public ref bool Queued => ref Slot.Queued;

    /// <summary>Set by netdev_run_todo when it frees the device (free_netdev): its slot may then hold a later device.</summary>
    public bool Unregistered
    {
        get => Slot.Unregistered;
        set
        {
            ref var slot = ref Slot;
            var freed = value && !slot.Unregistered;
            slot.Unregistered = value;
            if (freed)
            {
                _table.ReleaseDevice(_index);
            }
        }
    }

    /// <summary>RCU time at unlist_netdevice.</summary>
    public ref RcuSnapshot Unlisted => ref Slot.Unlisted;

    /// <summary>When the device's last reference drops (0: at once).</summary>
    public ref long RefsReleasedAt => ref Slot.RefsReleasedAt;

    /// <summary>The device's slot in its table.</summary>
    internal int Index => _index;

    private ref DeviceSlot Slot => ref _table.Device(_index, _generation);

    public static bool operator ==(NetDevice left, NetDevice right) => left.Equals(right);

    public static bool operator !=(NetDevice left, NetDevice right) => !left.Equals(right);

    public bool Equals(NetDevice other) => _index == other._index && _generation == other._generation && ReferenceEquals(_table, other._table);

    public override bool Equals(object? obj) => obj is NetDevice other && Equals(other);

    public override int GetHashCode() => _index;

    public override string ToString() => $"{Name}@{Owner}";
}
