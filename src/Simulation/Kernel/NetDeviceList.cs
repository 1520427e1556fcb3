using System.Collections;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// A net's devices in registration order, stored in the net itself: the first two inline, more in an array. A
/// lo-only net is then two objects (the net and lo) instead of four (with a <see cref="List{T}"/> and its array),
/// which is what a collection walks while 10^5 nets are alive (issue 16, large bursts). Same order and operations
/// as the list it replaces (add at the end, remove the first occurrence, shifting the rest down).
/// </summary>
internal struct NetDeviceList : IEnumerable<NetDevice>
{
    private NetDevice? _d0;
    private NetDevice? _d1;
    private NetDevice[]? _more;
    private int _count;

    public readonly int Count => _count;

    public readonly NetDevice this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
            return index switch
            {
                0 => _d0!,
                1 => _d1!,
                _ => _more![index - 2],
            };
        }
    }

    public void Add(NetDevice dev)
    {
        if (_count >= 2 && (_more is null || _count - 2 == _more.Length))
        {
            Array.Resize(ref _more, Math.Max(2, (_more?.Length ?? 0) * 2));
        }

        Set(_count, dev);
        _count++;
    }

    /// <summary>Removes the first occurrence of <paramref name="dev"/>; false when it is not in the list.</summary>
    public bool Remove(NetDevice dev)
    {
        var i = IndexOf(dev);
        if (i < 0)
        {
            return false;
        }

        for (; i < _count - 1; i++)
        {
            Set(i, this[i + 1]);
        }

        Set(_count - 1, null);
        _count--;
        return true;
    }

    public readonly bool Exists(Predicate<NetDevice> match)
    {
        for (var i = 0; i < _count; i++)
        {
            if (match(this[i]))
            {
                return true;
            }
        }

        return false;
    }

    public readonly Enumerator GetEnumerator() => new(this);

    readonly IEnumerator<NetDevice> IEnumerable<NetDevice>.GetEnumerator() => GetEnumerator();

    readonly IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private readonly int IndexOf(NetDevice dev)
    {
        for (var i = 0; i < _count; i++)
        {
            if (ReferenceEquals(this[i], dev))
            {
                return i;
            }
        }

        return -1;
    }

    private void Set(int index, NetDevice? dev)
    {
        switch (index)
        {
            case 0:
                _d0 = dev;
                break;
            case 1:
                _d1 = dev;
                break;
            default:
                _more![index - 2] = dev!;
                break;
        }
    }

    /// <summary>Walks a copy of the list (the model never changes a list while walking it).</summary>
    public struct Enumerator(NetDeviceList list) : IEnumerator<NetDevice>
    {
        private readonly NetDeviceList _list = list;
        private int _index = -1;

        public readonly NetDevice Current => _list[_index];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < _list.Count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
