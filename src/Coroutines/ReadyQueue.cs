using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CoSched;

/// <summary>
/// The scheduler's FIFO of runnable coroutines: a power-of-two array ring that grows and never shrinks. A struct held in
/// a field of the scheduler, so the drain loop reaches the ring without a hop through a separate object.
/// </summary>
internal struct ReadyQueue
{
    /// <summary>
    /// Slots wrap the reference in a struct: storing into a <c>Coroutine[]</c> (an array of a non-sealed class) costs a
    /// covariance type check per store, measured at ~13% of a pause.
    /// </summary>
    private struct Slot
    {
        public Coroutine? Co;
    }

    private Slot[] _items;
    private int _head;
    private int _count;
    /// <summary><c>_items.Length - 1</c>: indices are masked into the ring, so they need no bounds check.</summary>
    private int _mask;

    public ReadyQueue()
    {
        _items = new Slot[64];
        _mask = 63;
    }

    public readonly int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enqueue(Coroutine co)
    {
        int count = _count;
        if (count > _mask) Grow();
        // A dequeued slot keeps its coroutine (see Dequeue): a loop of one or two coroutines finds itself in the slot it
        // is queued into again and skips the write and its GC write barrier (2 ns of a 40 ns ping-pong round once the
        // records live in gen 2, where long-lived schedulers keep them).
        ref Slot slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_items), (_head + count) & _mask);
        if (!ReferenceEquals(slot.Co, co)) slot.Co = co;
        _count = count + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Coroutine Dequeue()
    {
        int head = _head;
        // left in place: stale until overwritten, or cleared by ClearStale
        Coroutine co = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_items), head).Co!;
        _head = (head + 1) & _mask;
        _count--;
        return co;
    }

    /// <summary>
    /// Clears the slots outside the queued window, so stale references keep no record alive once the pools let it go
    /// (called when the scheduler trims its pools).
    /// </summary>
    public void ClearStale()
    {
        for (int i = _count; i < _items.Length; i++) _items[(_head + i) & _mask].Co = null;
    }

    private void Grow()
    {
        var bigger = new Slot[_items.Length * 2];
        int firstPart = Math.Min(_count, _items.Length - _head);
        Array.Copy(_items, _head, bigger, 0, firstPart);
        Array.Copy(_items, 0, bigger, firstPart, _count - firstPart);
        _items = bigger;
        _mask = bigger.Length - 1;
        _head = 0;
    }
}
