using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>The state of one net device (no references: see <see cref="NetTable"/>); read through <see cref="NetDevice"/>.</summary>
internal struct DeviceSlot
{
    /// <summary>Counts the devices this slot has held (a slot is reused once its device is freed; see <see cref="NetTable"/>).</summary>
    public int Generation;
    public DeviceKind Kind;
    public int TypeIndex;
    public int OwnerSlot;
    public int OwnerId;

    /// <summary>The other end of a veth pair (slot and generation), -1 for none.</summary>
    public int PeerIndex;
    public int PeerGeneration;
    public bool Queued;
    public bool Unregistered;
    public long RefsReleasedAt;
    public RcuSnapshot Unlisted;
}
