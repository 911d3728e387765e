using System;

namespace CoSched;

/// <summary>The scheduler's FIFO of runnable coroutines: a power-of-two array ring that grows and never shrinks.</summary>
internal sealed class ReadyQueue
{
    /// <summary>
    /// Slots wrap the reference in a struct: storing into a <c>Coroutine[]</c> (an array of a non-sealed class) costs a
    /// covariance type check per store, measured at ~13% of a pause.
    /// </summary>
    private struct Slot
    {
        public Coroutine? Co;
    }

    private Slot[] _items = new Slot[64];
    private int _head;
    private int _count;

    public int Count => _count;

    public void Enqueue(Coroutine co)
    {
        if (_count == _items.Length) Grow();
        // A dequeued slot keeps its coroutine (see Dequeue): a loop of one or two coroutines finds itself in the slot it
        // is queued into again and skips the write and its GC write barrier (2 ns of a 40 ns ping-pong round once the
        // records live in gen 2, where long-lived schedulers keep them).
        ref Slot slot = ref _items[(_head + _count) & (_items.Length - 1)];
        if (!ReferenceEquals(slot.Co, co)) slot.Co = co;
        _count++;
    }

    public Coroutine Dequeue()
    {
        int head = _head;
        ref Slot slot = ref _items[head];
        Coroutine co = slot.Co!; // left in place: stale until overwritten, or cleared by ClearStale
        _head = (head + 1) & (_items.Length - 1);
        _count--;
        return co;
    }

    /// <summary>
    /// Clears the slots outside the queued window, so stale references keep no record alive once the pools let it go
    /// (called when the scheduler trims its pools).
    /// </summary>
    public void ClearStale()
    {
        int mask = _items.Length - 1;
        for (int i = _count; i < _items.Length; i++) _items[(_head + i) & mask].Co = null;
    }

    private void Grow()
    {
        var bigger = new Slot[_items.Length * 2];
        int firstPart = Math.Min(_count, _items.Length - _head);
        Array.Copy(_items, _head, bigger, 0, firstPart);
        Array.Copy(_items, 0, bigger, firstPart, _count - firstPart);
        _items = bigger;
        _head = 0;
    }
}
