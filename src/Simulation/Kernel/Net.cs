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
/// A simulated network namespace: its id and its slot in the run's <see cref="NetTable"/>, which holds its state (the
/// properties return references into it: set and add in place). Two handles are the same net when their ids and
/// tables are. Once the net is freed and its slot holds a later net, <see cref="State"/> reads
/// <see cref="NetState.Freed"/> and every other field throws.
/// </summary>
internal readonly struct Net : IEquatable<Net>
{
    private readonly NetTable _table;

    public Net(NetTable table, int slot, int id)
    {
        _table = table;
        Slot = slot;
        Id = id;
    }

    public int Id { get; }

    public ref NetState State => ref _table.NetState(Slot, Id);

    /// <summary>The devices in this namespace, in registration order.</summary>
    public NetDeviceList Devices => new(_table, Slot, Id);

    public ref bool HasUeventSocket => ref Fields.HasUeventSocket;

    public ref bool UeventListener => ref Fields.UeventListener;

    /// <summary>Whether the init netns's IDR holds an nsid for this net (a veth peer in the host made it visible).</summary>
    public ref bool HostHasNsid => ref Fields.HostHasNsid;

    public ref long MemoryBytes => ref Fields.MemoryBytes;

    public ref long ReleasedAt => ref Fields.ReleasedAt;

    /// <summary>RCU time at list_del_rcu: no exit method or free may happen before a full GP after it.</summary>
    public ref RcuSnapshot Unlinked => ref Fields.Unlinked;

    /// <summary>Position in the live list (swap-remove), -1 when not alive.</summary>
    public ref int LiveIndex => ref Fields.LiveIndex;

    /// <summary>Whether the RCU-safety check already ran for this net's exit phase.</summary>
    public ref bool ExitChecked => ref Fields.ExitChecked;

    /// <summary>Created by the workload's burst (its teardown is what teardown_seconds measures).</summary>
    public ref bool FromBurst => ref Fields.FromBurst;

    /// <summary>Created by the creation probe.</summary>
    public ref bool FromProbe => ref Fields.FromProbe;

    public bool IsDying => State is NetState.Queued or NetState.Unlinked or NetState.Exited;

    internal NetTable Table => _table;

    /// <summary>The net's slot in <see cref="Table"/>.</summary>
    internal int Slot { get; }

    private ref NetSlot Fields => ref _table.Net(Slot, Id);

    public static bool operator ==(Net left, Net right) => left.Equals(right);

    public static bool operator !=(Net left, Net right) => !left.Equals(right);

    public bool Equals(Net other) => Id == other.Id && ReferenceEquals(_table, other._table);

    public override bool Equals(object? obj) => obj is Net other && Equals(other);

    public override int GetHashCode() => Id;

    public override string ToString() => $"net#{Id}";
}
