using System;

namespace CoSched;

/// <summary>
/// A binary min-heap of <see cref="TimerEntry"/> keyed by (deadline, sequence): the earliest deadline first, and among
/// equal deadlines the first armed first (FIFO). Add, remove and pop are O(log n). The keys are copied into the heap's
/// own array, so sifting compares contiguous memory instead of chasing a pointer per level (with thousands of timers
/// that halves the cost). The array is kept between bursts, so a steady flow of timers allocates nothing. The owner
/// assigns deadlines and sequence numbers. Single-threaded (the scheduler's thread).
/// </summary>
internal sealed class TimerHeap
{
    private struct Slot
    {
        public long Deadline;
        public long Sequence;
        public TimerEntry Entry;
    }

    private Slot[] _items = new Slot[16];
    private int _count;

    /// <summary>Number of scheduled entries.</summary>
    public int Count => _count;

    /// <summary>The earliest entry; only valid when <see cref="Count"/> &gt; 0.</summary>
    public TimerEntry Min => _items[0].Entry;

    /// <summary>Schedules <paramref name="entry"/> (not already scheduled; its deadline and sequence set).</summary>
    public void Add(TimerEntry entry)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        SiftUp(_count++, new Slot { Deadline = entry.Deadline, Sequence = entry.Sequence, Entry = entry });
    }

    /// <summary>Removes and returns the earliest entry; <see cref="Count"/> must be &gt; 0.</summary>
    public TimerEntry PopMin()
    {
        TimerEntry min = _items[0].Entry;
        RemoveAt(0);
        return min;
    }

    /// <summary>Removes a scheduled entry.</summary>
    public void Remove(TimerEntry entry) => RemoveAt(entry.HeapIndex);

    private void RemoveAt(int index)
    {
        _items[index].Entry.HeapIndex = TimerEntry.NotScheduled;
        int last = --_count;
        Slot moved = _items[last];
        _items[last] = default;
        if (index == last) return;
        if (index > 0 && Before(moved, _items[(index - 1) >> 1])) SiftUp(index, moved);
        else SiftDown(index, moved);
    }

    private void SiftUp(int index, Slot slot)
    {
        Slot[] items = _items;
        while (index > 0)
        {
            int parent = (index - 1) >> 1;
            if (!Before(slot, items[parent])) break;
            items[index] = items[parent];
            items[index].Entry.HeapIndex = index;
            index = parent;
        }
        items[index] = slot;
        slot.Entry.HeapIndex = index;
    }

    private void SiftDown(int index, Slot slot)
    {
        Slot[] items = _items;
        int count = _count;
        int half = count >> 1;
        while (index < half)
        {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < count && Before(items[right], items[child])) child = right;
            if (!Before(items[child], slot)) break;
            items[index] = items[child];
            items[index].Entry.HeapIndex = index;
            index = child;
        }
        items[index] = slot;
        slot.Entry.HeapIndex = index;
    }

    private static bool Before(in Slot a, in Slot b) =>
        a.Deadline < b.Deadline || (a.Deadline == b.Deadline && a.Sequence < b.Sequence);
}
