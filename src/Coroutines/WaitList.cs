namespace CoSched;

/// <summary>
/// A FIFO of suspended coroutines: a waiter that finds the list empty goes in a field, the others in an array ring. A
/// coroutine waits on one thing at a time, so it records its slot in <see cref="Coroutine.WaitIndex"/> (-1: the field):
/// a cancelled waiter leaves at once (its slot becomes a hole, O(1)) and holes are squeezed out before the ring grows, so
/// the ring stays below four times the most waiters queued at once, however many waits are cancelled.
/// </summary>
/// <remarks>
/// Why this shape: every reference stored into a heap object costs a GC write barrier. An intrusive doubly linked list
/// (an earlier design) cost four per wait and wake with others queued (two links, the tail, the head); this costs one
/// (the ring slot; taking a waiter out only clears it, and a constant-null store costs no barrier). The field serves the
/// common case of one waiter at a time (a condition ping-pong), where a ring's extra array hop measured 1.4 ns per
/// round; it usually receives the same reference again and skips the write (it is the one stale reference kept: a
/// record). Waiters are never moved from the ring into the field: an earlier version promoted the next waiter there
/// on every wake, a barrier per hand-off on a contended semaphore.
/// </remarks>
internal struct WaitList
{
    private struct Slot
    {
        public Coroutine? Co;
    }

    /// <summary>A waiter added to an empty list, while <see cref="_firstActive"/>; stale otherwise. Always the oldest.</summary>
    private Coroutine? _first;
    private bool _firstActive;
    /// <summary>The waiters not in the field, in order, with holes left by cancelled ones.</summary>
    private Slot[]? _slots;
    /// <summary>Ring index of the oldest slot in use (never a hole while the ring holds a waiter).</summary>
    private int _head;
    /// <summary>Ring slots in use from <see cref="_head"/>: waiters plus holes.</summary>
    private int _used;

    /// <summary>Number of coroutines in the list.</summary>
    public int Count { get; private set; }

    /// <summary>Ring slots allocated (tests check that storage stays bounded).</summary>
    internal readonly int RingCapacity => _slots?.Length ?? 0;

    /// <summary>Waiters in the ring (not in the field).</summary>
    private readonly int InRing => Count - (_firstActive ? 1 : 0);

    /// <summary>The first waiter, or null.</summary>
    public readonly Coroutine? First => Count == 0 ? null : _firstActive ? _first : _slots![_head].Co;

    /// <summary>Appends a waiter.</summary>
    public void Add(Coroutine co)
    {
        co.InWaitList = true;
        if (Count == 0)
        {
            if (!ReferenceEquals(_first, co)) _first = co;
            _firstActive = true;
            co.WaitIndex = -1;
            Count = 1;
            return;
        }
        Slot[]? slots = _slots;
        int used = _used;
        if (slots is null || used == slots.Length)
        {
            MakeRoom();
            slots = _slots!;
            used = _used;
        }
        int index = (_head + used) & (slots.Length - 1);
        slots[index].Co = co;
        _used = used + 1;
        co.WaitIndex = index;
        Count++;
    }

    /// <summary>Removes and returns the first waiter, or null.</summary>
    public Coroutine? RemoveFirst()
    {
        if (Count == 0) return null;
        Count--;
        Coroutine co;
        if (_firstActive)
        {
            co = _first!;
            _firstActive = false;
        }
        else
        {
            ref Slot slot = ref _slots![_head];
            co = slot.Co!;
            slot.Co = null; // the ring keeps no stale references: a freed slot is null (a constant store, no write barrier)
            DropRingHead();
        }
        co.InWaitList = false;
        return co;
    }

    /// <summary>Removes a member (the caller has checked <see cref="Coroutine.InWaitList"/>).</summary>
    public void Remove(Coroutine co)
    {
        co.InWaitList = false;
        int index = co.WaitIndex;
        Count--;
        if (index < 0)
        {
            _firstActive = false;
            return;
        }
        _slots![index].Co = null; // a hole, unless it was the head: skipped when it reaches the head, squeezed out when the ring fills
        if (index == _head) DropRingHead();
    }

    /// <summary>Moves past the ring's (already cleared) head slot and any holes after it; restarts at slot 0 when empty.</summary>
    private void DropRingHead()
    {
        if (InRing == 0)
        {
            // The ring holds no waiter now: only holes, if anything, remain.
            _used = 0;
            _head = 0;
            return;
        }
        Slot[] slots = _slots!;
        int mask = slots.Length - 1;
        int head = (_head + 1) & mask;
        int used = _used - 1;
        while (slots[head].Co is null)
        {
            // A waiter lies ahead (the ring holds one), so this stops inside the window.
            head = (head + 1) & mask;
            used--;
        }
        _head = head;
        _used = used;
    }

    /// <summary>The ring is full: squeeze out the holes if they are at least half of it, else double it.</summary>
    private void MakeRoom()
    {
        if (_slots is null)
        {
            _slots = new Slot[4];
            return;
        }
        Slot[] slots = _slots;
        int mask = slots.Length - 1;
        if (InRing <= slots.Length / 2)
        {
            // In place, towards the head: the write position never passes the read position, so nothing unread is lost.
            int write = 0;
            for (int read = 0; read < _used; read++)
            {
                ref Slot from = ref slots[(_head + read) & mask];
                if (from.Co is not { } co) continue;
                if (write != read)
                {
                    int index = (_head + write) & mask;
                    slots[index].Co = co;
                    co.WaitIndex = index;
                    from.Co = null;
                }
                write++;
            }
            _used = write;
            return;
        }
        var bigger = new Slot[slots.Length * 2];
        int n = 0;
        for (int i = 0; i < _used; i++)
        {
            if (slots[(_head + i) & mask].Co is not { } co) continue;
            bigger[n].Co = co;
            co.WaitIndex = n++;
        }
        _slots = bigger;
        _head = 0;
        _used = n;
    }
}
