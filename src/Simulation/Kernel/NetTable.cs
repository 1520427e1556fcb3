using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// The state of a run's nets and devices, which <see cref="Net"/> and <see cref="NetDevice"/> (an index into this
/// table) read and write in place: per-net and per-device slots without references in chunked arrays, so a live net
/// is no object a collection walks or copies (issue 16, large bursts). A net's slot is its id and is never reused in
/// the run: a freed net keeps <see cref="NetState.Freed"/>, which the conservation oracle's "freed twice" reads.
/// The few references a device has (its type, shared with the profile, and its name) sit beside its slot.
/// </summary>
internal sealed class NetTable
{
    private readonly SlotChunks<NetSlot> _nets = new();
    private readonly SlotChunks<DeviceSlot> _devices = new();
    private readonly SlotChunks<string> _deviceNames = new();
    private readonly List<DeviceTypeSpec> _deviceTypes = [];

    /// <summary>The device lists past two entries (<see cref="NetDeviceList"/>), by net id.</summary>
    private readonly Dictionary<int, int[]> _moreDevices = [];
    private int _deviceCount;

    /// <summary>A new net with id <paramref name="id"/> in its initial state (Setup, not on the live list).</summary>
    public Net AddNet(int id)
    {
        _nets.Ensure(id);
        ref var slot = ref _nets[id];
        slot = default;
        slot.LiveIndex = -1;
        return new Net(this, id);
    }

    /// <summary>A new device; its slot's index is its identity.</summary>
    public int AddDevice(DeviceTypeSpec type, DeviceKind kind, int ownerId, string name)
    {
        var index = _deviceCount++;
        _devices.Ensure(index);
        _deviceNames.Ensure(index);
        _devices[index] = new DeviceSlot { Kind = kind, TypeIndex = TypeIndex(type), OwnerId = ownerId, PeerIndex = -1 };
        _deviceNames[index] = name;
        return index;
    }

    public ref NetSlot Net(int id) => ref _nets[id];

    public ref DeviceSlot Device(int index) => ref _devices[index];

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
