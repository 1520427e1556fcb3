using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>Lifecycle of a <c>struct net</c> (KERNEL-MODEL.md §2).</summary>
internal enum NetState
{
    Setup,
    Alive,
    Queued,
    Unlinked,
    Exited,
    Freed,
}

/// <summary>A simulated network namespace.</summary>
internal sealed class Net(int id)
{
    private NetDeviceList _devices;

    public int Id { get; } = id;

    public NetState State { get; set; } = NetState.Setup;

    /// <summary>The devices in this namespace, stored in the net (a reference to its field: add and remove in place).</summary>
    public ref NetDeviceList Devices => ref _devices;

    public bool HasUeventSocket { get; set; }

    public bool UeventListener { get; set; }

    /// <summary>Whether the init netns's IDR holds an nsid for this net (a veth peer in the host made it visible).</summary>
    public bool HostHasNsid { get; set; }

    public long MemoryBytes { get; set; }

    public long ReleasedAt { get; set; }

    /// <summary>RCU time at list_del_rcu: no exit method or free may happen before a full GP after it.</summary>
    public RcuSnapshot Unlinked { get; set; }

    /// <summary>Position in the live list (swap-remove), -1 when not alive.</summary>
    public int LiveIndex { get; set; } = -1;

    /// <summary>Whether the RCU-safety check already ran for this net's exit phase.</summary>
    public bool ExitChecked { get; set; }

    /// <summary>Created by the workload's burst (its teardown is what teardown_seconds measures).</summary>
    public bool FromBurst { get; set; }

    /// <summary>Created by the creation probe.</summary>
    public bool FromProbe { get; set; }

    public bool IsDying => State is NetState.Queued or NetState.Unlinked or NetState.Exited;

    public override string ToString() => $"net#{Id}";
}
