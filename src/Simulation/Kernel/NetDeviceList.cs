using System.Collections;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// A net's devices in registration order, stored in the net's slot (<see cref="DeviceListSlot"/>): the first two
/// inline, more in an overflow array of device indices. A lo-only net is then no object at all (issue 16, large
/// bursts). Same order and operations as the list it replaces (add at the end, remove the first occurrence, shifting
/// the rest down); this view reads and changes the slot in place.
/// </summary>
internal readonly struct NetDeviceList(NetTable table, int netSlot, int netId) : IEnumerable<NetDevice>
{
    public int Count => Slot.Count;

    public NetDevice this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Slot.Count);
            return table.DeviceAt(IndexAt(Slot, table.MoreDevices(netId), index));
        }
    }

    private ref DeviceListSlot Slot => ref table.Net(netSlot, netId).Devices;

    public void Add(NetDevice dev)
    {
        ref var slot = ref Slot;
        var more = table.MoreDevices(netId);
        if (slot.Count >= 2 && (more is null || slot.Count - 2 == more.Length))
        {
            Array.Resize(ref more, Math.Max(2, (more?.Length ?? 0) * 2));
            table.SetMoreDevices(netId, more);
        }

        Set(ref slot, more, slot.Count, dev.Index);
        slot.Count++;
    }

    /// <summary>Removes the first occurrence of <paramref name="dev"/>; false when it is not in the list.</summary>
    public bool Remove(NetDevice dev)
    {
        ref var slot = ref Slot;
        var more = table.MoreDevices(netId);
        var i = 0;
        while (i < slot.Count && IndexAt(slot, more, i) != dev.Index)
        {
            i++;
        }

        if (i == slot.Count)
        {
            return false;
        }

        for (; i < slot.Count - 1; i++)
        {
            Set(ref slot, more, i, IndexAt(slot, more, i + 1));
        }

        slot.Count--;
        return true;
    }

    public bool Exists(Predicate<NetDevice> match)
    {
        for (var i = 0; i < Count; i++)
        {
            if (match(this[i]))
            {
                return true;
            }
        }

        return false;
    }

    public Enumerator GetEnumerator() => new(table, Slot, table.MoreDevices(netId));

    IEnumerator<NetDevice> IEnumerable<NetDevice>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int IndexAt(in DeviceListSlot slot, int[]? more, int index) => index switch
    {
        0 => slot.D0,
        1 => slot.D1,
        _ => more![index - 2],
    };

    private static void Set(ref DeviceListSlot slot, int[]? more, int index, int device)
    {
        switch (index)
        {
            case 0:
                slot.D0 = device;
                break;
            case 1:
                slot.D1 = device;
                break;
            default:
                more![index - 2] = device;
                break;
        }
    }

    /// <summary>Walks a copy of the list (the model never changes a list while walking it).</summary>
    public struct Enumerator(NetTable table, DeviceListSlot slot, int[]? more) : IEnumerator<NetDevice>
    {
        private int _index = -1;

        public readonly NetDevice Current => table.DeviceAt(IndexAt(slot, more, _index));

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < slot.Count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
