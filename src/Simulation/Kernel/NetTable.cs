using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// The state of a run's nets and devices, which <see cref="Net"/> and <see cref="NetDevice"/> (a slot of this table)
/// read and write in place: per-net and per-device slots without references in chunked arrays, so a live net is no
/// object a collection walks or copies (issue 16, large bursts). A slot is reused once its net is freed
/// (<see cref="ReleaseNet"/>, from net_free) or its device is (<see cref="ReleaseDevice"/>, free_netdev), so the table
/// follows the nets alive, not the nets ever created; never silently: a slot records its occupant (the net's id, the
/// device's generation) and a handle to a previous one reads <see cref="NetState.Freed"/> as its state — what the
/// conservation oracle's "freed twice" reads — and fails on any other field. A slot freed is reused only by a later
/// allocation, so the code freeing it still reads its fields. The few references a device has (its type, shared with
/// the profile, and its name) sit beside its slot.
/// </summary>
internal sealed class NetTable(int expectedNets = 1)
{
    private readonly SlotChunks<NetSlot> _nets = new(expectedNets);
    private readonly SlotChunks<DeviceSlot> _devices = new(expectedNets);
    private readonly SlotChunks<string> _deviceNames = new(expectedNets);
    private readonly List<DeviceTypeSpec> _deviceTypes = [];
    private readonly Engine.ValueList<int> _freeNets = new();
    private readonly Engine.ValueList<int> _freeDevices = new();

    /// <summary>The device lists past two entries (<see cref="NetDeviceList"/>), by net id.</summary>
    private readonly Dictionary<int, int[]> _moreDevices = [];
    private int _netSlots;
    private int _deviceSlots;
    private NetState _freed;

    /// <summary>A new net with id <paramref name="id"/> in its initial state (Setup, not on the live list).</summary>
    public Net AddNet(int id)
    {
        var slot = _freeNets.Count > 0 ? _freeNets.Pop() : _netSlots++;
        _nets.Ensure(slot);
        _nets[slot] = new NetSlot { Id = id, LiveIndex = -1 };
        return new Net(this, slot, id);
    }

    /// <summary>net_free: the net's slot may hold a later net.</summary>
    public void ReleaseNet(Net net)
    {
        _moreDevices.Remove(net.Id);
        _freeNets.Add(net.Slot);
    }

    /// <summary>A new device owned by <paramref name="owner"/>.</summary>
    public NetDevice AddDevice(DeviceTypeSpec type, DeviceKind kind, Net owner, string name)
    {
        var index = _freeDevices.Count > 0 ? _freeDevices.Pop() : _deviceSlots++;
        _devices.Ensure(index);
        _deviceNames.Ensure(index);
        ref var slot = ref _devices[index];
        slot = new DeviceSlot { Generation = slot.Generation + 1, Kind = kind, TypeIndex = TypeIndex(type), OwnerSlot = owner.Slot, OwnerId = owner.Id, PeerIndex = -1 };
        _deviceNames[index] = name;
        return new NetDevice(this, index, slot.Generation);
    }

    /// <summary>free_netdev: the device's slot may hold a later device.</summary>
    public void ReleaseDevice(int index) => _freeDevices.Add(index);

    /// <summary>The slot of net <paramref name="id"/>; a stale handle's reads fail (<see cref="Net"/>).</summary>
    public ref NetSlot Net(int slot, int id)
    {
        ref var s = ref _nets[slot];
        if (s.Id != id)
        {
            throw new InvalidOperationException($"net#{id} was freed (its slot holds net#{s.Id})");
        }

        return ref s;
    }

    /// <summary>The state of net <paramref name="id"/>: <see cref="NetState.Freed"/> once its slot holds a later net.</summary>
    public ref NetState NetState(int slot, int id)
    {
        ref var s = ref _nets[slot];
        if (s.Id == id)
        {
            return ref s.State;
        }

        _freed = Kernel.NetState.Freed;
        return ref _freed;
    }

    public ref DeviceSlot Device(int index, int generation)
    {
        ref var s = ref _devices[index];
        if (s.Generation != generation)
        {
            throw new InvalidOperationException($"device slot {index} was freed (generation {generation}, now {s.Generation})");
        }

        return ref s;
    }

    /// <summary>The device now in slot <paramref name="index"/> (a device list holds live devices only).</summary>
    public NetDevice DeviceAt(int index) => new(this, index, _devices[index].Generation);

    public string DeviceName(int index) => _deviceNames[index];

    public DeviceTypeSpec DeviceType(int typeIndex) => _deviceTypes[typeIndex];

    /// <summary>The entries of net <paramref name="netId"/>'s device list past the first two, or null.</summary>
    public int[]? MoreDevices(int netId) => _moreDevices.GetValueOrDefault(netId);

    public void SetMoreDevices(int netId, int[] more) => _moreDevices[netId] = more;

    private int TypeIndex(DeviceTypeSpec type)
    {
        for (var i = 0; i < _deviceTypes.Count; i++)
        {
            if (ReferenceEquals(_deviceTypes[i], type))
            {
                return i;
            }
        }

        _deviceTypes.Add(type);
        return _deviceTypes.Count - 1;
    }
}
