using System;

namespace CoSched.Bench.Floor;

/// <summary>The floor primitives' FIFO of parked boxes: a growable ring, nothing else (no cancel, no compaction).</summary>
internal sealed class FloorWaitQueue
{
    // A struct element: storing into a FloorBox[] would pay the covariant array-store check (FloorBox is not sealed).
    private struct Slot
    {
        public FloorBox? Box;
    }

    private Slot[] _ring = new Slot[16];
    private int _head;

    internal int Count { get; private set; }

    internal void Add(FloorBox box)
    {
        if (Count == _ring.Length) Grow();
        _ring[(_head + Count) & (_ring.Length - 1)].Box = box;
        Count++;
    }

    /// <summary>The oldest parked box; call only when <see cref="Count"/> is not 0.</summary>
    internal FloorBox RemoveFirst()
    {
        FloorBox box = _ring[_head].Box!;
        _head = (_head + 1) & (_ring.Length - 1);
        Count--;
        return box;
    }

    private void Grow()
    {
        var ring = new Slot[_ring.Length * 2];
        for (int i = 0; i < Count; i++) ring[i] = _ring[(_head + i) & (_ring.Length - 1)];
        _ring = ring;
        _head = 0;
    }
}
