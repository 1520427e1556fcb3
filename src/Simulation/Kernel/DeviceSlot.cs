using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>The state of one net device (no references: see <see cref="NetTable"/>); read through <see cref="NetDevice"/>.</summary>
internal struct DeviceSlot
{
    public DeviceKind Kind;
    public int TypeIndex;
    public int OwnerId;

    /// <summary>The other end of a veth pair, -1 for none.</summary>
    public int PeerIndex;
    public bool Queued;
    public bool Unregistered;
    public long RefsReleasedAt;
    public RcuSnapshot Unlisted;
}
