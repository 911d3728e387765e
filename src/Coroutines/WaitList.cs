namespace CoSched;

/// <summary>
/// An intrusive FIFO of suspended coroutines, linked through <see cref="Coroutine.WaitNext"/>/<see cref="Coroutine.WaitPrev"/>.
/// A coroutine waits on one thing at a time, so one pair of links suffices: adding and removing (on cancel) are O(1)
/// and allocate nothing, and cancelled waiters never pile up.
/// </summary>
internal struct WaitList
{
    private Coroutine? _head;
    private Coroutine? _tail;

    /// <summary>Number of coroutines in the list.</summary>
    public int Count { get; private set; }

    /// <summary>The first waiter, or null.</summary>
    public readonly Coroutine? First => _head;

    /// <summary>Appends a waiter.</summary>
    public void Add(Coroutine co)
    {
        co.WaitPrev = _tail;
        co.WaitNext = null;
        if (_tail is null) _head = co; else _tail.WaitNext = co;
        _tail = co;
        co.InWaitList = true;
        Count++;
    }

    /// <summary>Removes and returns the first waiter, or null.</summary>
    public Coroutine? RemoveFirst()
    {
        Coroutine? co = _head;
        if (co is not null) Remove(co);
        return co;
    }

    /// <summary>Removes a waiter that is in this list.</summary>
    public void Remove(Coroutine co)
    {
        if (co.WaitPrev is null) _head = co.WaitNext; else co.WaitPrev.WaitNext = co.WaitNext;
        if (co.WaitNext is null) _tail = co.WaitPrev; else co.WaitNext.WaitPrev = co.WaitPrev;
        co.WaitNext = null;
        co.WaitPrev = null;
        co.InWaitList = false;
        Count--;
    }
}
