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

/// <summary>
/// A simulated network namespace: its id and the run's <see cref="NetTable"/>, whose slot for the id holds its state
/// (the properties return references into it: set and add in place). Two handles are the same net when their ids and
/// tables are.
/// </summary>
internal readonly struct Net : IEquatable<Net>
{
    private readonly NetTable _table;

    public Net(NetTable table, int id)
    {
        _table = table;
        Id = id;
    }

    public int Id { get; }

    public ref NetState State => ref Slot.State;

    /// <summary>The devices in this namespace, in registration order.</summary>
    public NetDeviceList Devices => new(_table, Id);

    public ref bool HasUeventSocket => ref Slot.HasUeventSocket;

    public ref bool UeventListener => ref Slot.UeventListener;

    /// <summary>Whether the init netns's IDR holds an nsid for this net (a veth peer in the host made it visible).</summary>
    public ref bool HostHasNsid => ref Slot.HostHasNsid;

    public ref long MemoryBytes => ref Slot.MemoryBytes;

    public ref long ReleasedAt => ref Slot.ReleasedAt;

    /// <summary>RCU time at list_del_rcu: no exit method or free may happen before a full GP after it.</summary>
    public ref RcuSnapshot Unlinked => ref Slot.Unlinked;

    /// <summary>Position in the live list (swap-remove), -1 when not alive.</summary>
    public ref int LiveIndex => ref Slot.LiveIndex;

    /// <summary>Whether the RCU-safety check already ran for this net's exit phase.</summary>
    public ref bool ExitChecked => ref Slot.ExitChecked;

    /// <summary>Created by the workload's burst (its teardown is what teardown_seconds measures).</summary>
    public ref bool FromBurst => ref Slot.FromBurst;

    /// <summary>Created by the creation probe.</summary>
    public ref bool FromProbe => ref Slot.FromProbe;

    public bool IsDying => State is NetState.Queued or NetState.Unlinked or NetState.Exited;

    internal NetTable Table => _table;

    private ref NetSlot Slot => ref _table.Net(Id);

    public static bool operator ==(Net left, Net right) => left.Equals(right);

    public static bool operator !=(Net left, Net right) => !left.Equals(right);

    public bool Equals(Net other) => Id == other.Id && ReferenceEquals(_table, other._table);

    public override bool Equals(object? obj) => obj is Net other && Equals(other);

    public override int GetHashCode() => Id;

    public override string ToString() => $"net#{Id}";
}
