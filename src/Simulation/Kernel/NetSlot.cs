using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>The state of one <c>struct net</c> (no references: see <see cref="NetTable"/>); read through <see cref="Net"/>.</summary>
internal struct NetSlot
{
    /// <summary>The id of the net in this slot (a slot is reused once its net is freed; see <see cref="NetTable"/>).</summary>
    public int Id;
    public NetState State;
    public bool HasUeventSocket;
    public bool UeventListener;
    public bool HostHasNsid;
    public bool ExitChecked;
    public bool FromBurst;
    public bool FromProbe;
    public int LiveIndex;
    public long MemoryBytes;
    public long ReleasedAt;
    public RcuSnapshot Unlinked;
    public DeviceListSlot Devices;
}
