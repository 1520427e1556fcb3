using System.Collections;
using System.Runtime.CompilerServices;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// A growable list (and, with <see cref="Pop"/>, a stack) in place of <see cref="List{T}"/> and <see cref="Stack{T}"/>
/// over the kernel model's structs on the simulation's paths. Defined in this assembly so that ReadyToRun precompiles its
/// instantiations; CoreLib's generics over this assembly's structs are left to the tier-0 JIT at start-up (see
/// <see cref="RingQueue{T}"/>). <c>foreach</c> takes the struct enumerator; the <see cref="IEnumerable{T}"/> interface is
/// for the rare LINQ use (oracles, ordered device teardown).
/// </summary>
internal sealed class ValueList<T> : IEnumerable<T>
{
    private T[] _items;

    // Never an empty array: `[]` is Array.Empty<T>, CoreLib's generic again.
    public ValueList(int capacity = 4) => _items = new T[Math.Max(1, capacity)];

    public int Count { get; private set; }

    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return _items[index];
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            _items[index] = value;
        }
    }

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            Arrays.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = item;
    }

    /// <summary>Removes the item at <paramref name="index"/>, moving the later ones down, as <see cref="List{T}.RemoveAt"/>.</summary>
    public void RemoveAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        Count--;
        if (index < Count)
        {
            Array.Copy(_items, index + 1, _items, index, Count - index);
        }

        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            _items[Count] = default!;
        }
    }

    /// <summary>Removes and returns the last item, as <see cref="Stack{T}.Pop"/>.</summary>
    public T Pop()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("the list is empty");
        }

        var item = _items[--Count];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            _items[Count] = default!;
        }

        return item;
    }

    /// <summary>The items, in order, in a new array.</summary>
    public T[] ToArray()
    {
        var items = new T[Count];
        Array.Copy(_items, items, Count);
        return items;
    }

    public void Clear()
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            Array.Clear(_items, 0, Count);
        }

        Count = 0;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Walks the items present when each step is taken (the list must not change while it walks, as with List).</summary>
    public struct Enumerator(ValueList<T> list) : IEnumerator<T>
    {
        private int _index = -1;

        public readonly T Current => list._items[_index];

        readonly object? IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < list.Count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
