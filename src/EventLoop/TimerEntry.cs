namespace CoSched;

/// <summary>
/// One timer in an event loop's <see cref="TimerHeap"/>. Intrusive: the entry carries its own heap position, so
/// cancelling is an O(log n) removal that allocates nothing, and a cancelled timer never lingers in the heap.
/// Entries are pooled by their owners (sleeps, timeouts) or owned by a <see cref="CoTimer"/>.
/// </summary>
internal abstract class TimerEntry
{
    /// <summary>Deadline in clock ticks (<see cref="System.TimeSpan.Ticks"/> of the loop clock).</summary>
    internal long Deadline;

    /// <summary>Arming order: breaks ties so equal deadlines fire first-armed first.</summary>
    internal long Sequence;

    /// <summary>Position in the heap array, or -1 when not scheduled.</summary>
    internal int HeapIndex = -1;

    internal bool IsScheduled => HeapIndex >= 0;

    /// <summary>Runs on the scheduler's thread, outside any coroutine, after the entry was taken off the heap.</summary>
    internal abstract void Fire();
}
