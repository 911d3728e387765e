namespace CoSched;

/// <summary>
/// An intrusive FIFO of suspended coroutines, linked through <see cref="Coroutine.WaitNext"/>/<see cref="Coroutine.WaitPrev"/>.
/// A coroutine waits on one thing at a time, so one pair of links suffices: adding and removing (on cancel) are O(1)
/// and allocate nothing, and cancelled waiters never pile up.
/// </summary>
internal struct WaitList
{
    // When the list empties, _head and _tail keep pointing at the last member: the usual next Add is by that same
    // coroutine (a loop waiting on one condition or semaphore), and rewriting the same reference is skipped. Every
    // reference store into a heap object costs a GC write barrier; these conditional writes and constant-null stores
    // removed five of them per wait and wake. Count, not _head, says whether the list is empty.
    private Coroutine? _head;
    private Coroutine? _tail;

    /// <summary>Number of coroutines in the list.</summary>
    public int Count { get; private set; }

    /// <summary>The first waiter, or null.</summary>
    public readonly Coroutine? First => Count == 0 ? null : _head;

    /// <summary>Appends a waiter. Its links are null (members that leave a list have them cleared).</summary>
    public void Add(Coroutine co)
    {
        if (Count == 0)
        {
            if (!ReferenceEquals(_head, co)) _head = co;
            if (!ReferenceEquals(_tail, co)) _tail = co;
        }
        else
        {
            Coroutine tail = _tail!;
            co.WaitPrev = tail;
            tail.WaitNext = co;
            _tail = co;
        }
        co.InWaitList = true;
        Count++;
    }

    /// <summary>Removes and returns the first waiter, or null.</summary>
    public Coroutine? RemoveFirst()
    {
        if (Count == 0) return null;
        Coroutine co = _head!;
        Remove(co);
        return co;
    }

    /// <summary>Removes a member (the caller has checked <see cref="Coroutine.InWaitList"/>).</summary>
    public void Remove(Coroutine co)
    {
        Coroutine? prev = co.WaitPrev, next = co.WaitNext;
        if (prev is null)
        {
            if (next is not null) _head = next; // else the list is now empty: _head may go stale
        }
        else if (next is null) prev.WaitNext = null;
        else prev.WaitNext = next;
        if (next is null)
        {
            if (prev is not null) _tail = prev;
        }
        else if (prev is null) next.WaitPrev = null;
        else next.WaitPrev = prev;
        if (prev is not null) co.WaitPrev = null;
        if (next is not null) co.WaitNext = null;
        co.InWaitList = false;
        Count--;
    }
}
