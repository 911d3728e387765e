namespace CoSched;

/// <summary>
/// The zero-delay timers (<c>Co.Sleep(TimeSpan.Zero)</c>, a zero timeout): due at the next timer check, so they need
/// no heap. An intrusive FIFO: O(1) add, pop and cancel-removal, where the heap would cost O(log n) with a cache miss
/// per level. Entries are appended in arming order with the loop's last clock reading as deadline, so the list is
/// sorted by (deadline, sequence) and merges with the heap in exact timer order.
/// </summary>
internal sealed class DueList
{
    private TimerEntry? _head;
    private TimerEntry? _tail;

    public int Count { get; private set; }

    /// <summary>The first entry, or null.</summary>
    public TimerEntry? Head => _head;

    public void Add(TimerEntry entry)
    {
        entry.HeapIndex = TimerEntry.InDueList;
        entry.DuePrev = _tail;
        entry.DueNext = null;
        if (_tail is null) _head = entry; else _tail.DueNext = entry;
        _tail = entry;
        Count++;
    }

    public void Remove(TimerEntry entry)
    {
        if (entry.DuePrev is null) _head = entry.DueNext; else entry.DuePrev.DueNext = entry.DueNext;
        if (entry.DueNext is null) _tail = entry.DuePrev; else entry.DueNext.DuePrev = entry.DuePrev;
        entry.DueNext = null;
        entry.DuePrev = null;
        entry.HeapIndex = TimerEntry.NotScheduled;
        Count--;
    }
}
