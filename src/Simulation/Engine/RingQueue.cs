using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// A FIFO over a power-of-two ring, in place of <see cref="Queue{T}"/> on the simulation's paths. Defined in this assembly
/// so that ReadyToRun precompiles its instantiations over the engine's structs: <c>Queue&lt;T&gt;</c> over a value type
/// lives in CoreLib's version bubble, so crossgen2 leaves every such instantiation to the tier-0 JIT at start-up
/// (docs/benchmarks.md, "Issue 16, fifth round"). Instantiate it over this assembly's types or primitives, not
/// <c>ValueTuple</c> (CoreLib's again).
/// </summary>
internal sealed class RingQueue<T>
{
    private T[] _items;
    private int _head;

    public RingQueue(int capacity = 4)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _items = new T[(int)BitOperations.RoundUpToPowerOf2((uint)capacity)];
    }

    public int Count { get; private set; }

    public void Enqueue(T item)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        _items[(_head + Count) & (_items.Length - 1)] = item;
        Count++;
    }

    /// <summary>The oldest item; the queue must not be empty.</summary>
    public ref readonly T Peek()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("the queue is empty");
        }

        return ref _items[_head];
    }

    public T Dequeue()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("the queue is empty");
        }

        var item = _items[_head];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            _items[_head] = default!;
        }

        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return item;
    }

    private void Grow()
    {
        var bigger = new T[_items.Length * 2];
        var firstPart = _items.Length - _head;
        Array.Copy(_items, _head, bigger, 0, firstPart);
        Array.Copy(_items, 0, bigger, firstPart, _head);
        _items = bigger;
        _head = 0;
    }
}
