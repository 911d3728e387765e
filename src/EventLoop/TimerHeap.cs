using System;

namespace CoSched;

/// <summary>
/// A binary min-heap of <see cref="TimerEntry"/> keyed by (deadline, sequence): the earliest deadline first, and among
/// equal deadlines the first armed first (FIFO). Add, remove and pop are O(log n); the array is kept between bursts, so
/// a steady flow of timers allocates nothing. Single-threaded (the scheduler's thread).
/// </summary>
internal sealed class TimerHeap
{
    private TimerEntry[] _items = new TimerEntry[16];
    private int _count;
    private long _nextSequence;

    /// <summary>Number of scheduled entries.</summary>
    public int Count => _count;

    /// <summary>The sequence number the next added entry gets: entries with a lower one were armed before now.</summary>
    public long NextSequence => _nextSequence;

    /// <summary>The earliest entry; only valid when <see cref="Count"/> &gt; 0.</summary>
    public TimerEntry Min => _items[0];

    /// <summary>Schedules <paramref name="entry"/> (not already scheduled) at <paramref name="deadline"/> ticks.</summary>
    public void Add(TimerEntry entry, long deadline)
    {
        entry.Deadline = deadline;
        entry.Sequence = _nextSequence++;
        if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        SiftUp(_count++, entry);
    }

    /// <summary>Removes and returns the earliest entry; <see cref="Count"/> must be &gt; 0.</summary>
    public TimerEntry PopMin()
    {
        TimerEntry min = _items[0];
        RemoveAt(0);
        return min;
    }

    /// <summary>Removes a scheduled entry.</summary>
    public void Remove(TimerEntry entry) => RemoveAt(entry.HeapIndex);

    private void RemoveAt(int index)
    {
        TimerEntry removed = _items[index];
        removed.HeapIndex = -1;
        int last = --_count;
        TimerEntry moved = _items[last];
        _items[last] = null!;
        if (index == last) return;
        if (index > 0 && Less(moved, _items[(index - 1) >> 1])) SiftUp(index, moved);
        else SiftDown(index, moved);
    }

    private void SiftUp(int index, TimerEntry entry)
    {
        while (index > 0)
        {
            int parent = (index - 1) >> 1;
            TimerEntry p = _items[parent];
            if (!Less(entry, p)) break;
            _items[index] = p;
            p.HeapIndex = index;
            index = parent;
        }
        _items[index] = entry;
        entry.HeapIndex = index;
    }

    private void SiftDown(int index, TimerEntry entry)
    {
        int half = _count >> 1;
        while (index < half)
        {
            int child = 2 * index + 1;
            TimerEntry c = _items[child];
            int right = child + 1;
            if (right < _count && Less(_items[right], c))
            {
                child = right;
                c = _items[right];
            }
            if (!Less(c, entry)) break;
            _items[index] = c;
            c.HeapIndex = index;
            index = child;
        }
        _items[index] = entry;
        entry.HeapIndex = index;
    }

    private static bool Less(TimerEntry a, TimerEntry b) =>
        a.Deadline < b.Deadline || (a.Deadline == b.Deadline && a.Sequence < b.Sequence);
}
