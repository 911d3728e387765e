namespace CoSched;

/// <summary>
/// One timer of an event loop: in its <see cref="TimerHeap"/>, or, for a zero delay, in its <see cref="DueList"/>.
/// Intrusive: the entry carries its own position, so cancelling is an O(log n) (heap) or O(1) (due list) removal that
/// allocates nothing, and a cancelled timer never lingers. Entries are pooled by their owners (sleeps, timeouts) or
/// owned by a <see cref="CoTimer"/>.
/// </summary>
internal abstract class TimerEntry
{
    /// <summary><see cref="HeapIndex"/> of an entry that is not scheduled.</summary>
    internal const int NotScheduled = -1;

    /// <summary><see cref="HeapIndex"/> of an entry in the due list.</summary>
    internal const int InDueList = -2;

    /// <summary>Deadline in clock ticks (<see cref="System.TimeSpan.Ticks"/> of the loop clock).</summary>
    internal long Deadline;

    /// <summary>Arming order: breaks ties so equal deadlines fire first-armed first.</summary>
    internal long Sequence;

    /// <summary>Position in the heap array, or <see cref="NotScheduled"/>, or <see cref="InDueList"/>.</summary>
    internal int HeapIndex = NotScheduled;

    /// <summary>Links in the due list.</summary>
    internal TimerEntry? DueNext;
    internal TimerEntry? DuePrev;

    internal bool IsScheduled => HeapIndex != NotScheduled;

    /// <summary>Runs on the scheduler's thread, outside any coroutine, after the entry was unscheduled.</summary>
    internal abstract void Fire();

    /// <summary>(deadline, sequence) order.</summary>
    internal static bool Before(TimerEntry a, TimerEntry b) =>
        a.Deadline < b.Deadline || (a.Deadline == b.Deadline && a.Sequence < b.Sequence);
}
