using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched;

// Per-scheduler pools and the tables of live coroutines and open groups.
public sealed partial class Scheduler
{
    private static int s_poolSlots;
    private PoolSlot[] _pools = new PoolSlot[8];

    // Array elements wrapped in structs: storing into (or taking a ref to) an element of an array of a non-sealed class
    // costs a covariance type check.
    private struct PoolSlot
    {
        /// <summary>The free objects of one pooled type, a stack: [0, Count) are free.</summary>
        public PoolEntry[]? Items;
        public int Count;
    }

    private struct PoolEntry
    {
        public object? Item;
    }

    private struct LiveSlot
    {
        public Coroutine? Co;
    }

    private struct GroupSlot
    {
        public TaskGroupCore? Group;
    }

    /// <summary>Lists a group that has live children (from its first child's spawn until it closes).</summary>
    internal void AddOpenGroup(TaskGroupCore group)
    {
        if (_groupCount == _groups.Length) Array.Resize(ref _groups, _groups.Length * 2);
        _groups[_groupCount].Group = group;
        group.OpenIndex = _groupCount++;
    }

    /// <summary>Removes a group whose last child has ended.</summary>
    internal void RemoveOpenGroup(TaskGroupCore group)
    {
        int index = group.OpenIndex, last = --_groupCount;
        if (index != last)
        {
            TaskGroupCore moved = _groups[last].Group!;
            _groups[index].Group = moved;
            moved.OpenIndex = index;
        }
        _groups[last].Group = null;
        group.OpenIndex = -1;
    }

    /// <summary>Reserves a slot in every scheduler's pool table for one pooled record type.</summary>
    internal static int AllocatePoolSlot() => Interlocked.Increment(ref s_poolSlots) - 1;

    /// <summary>
    /// Takes a free object of the type owning <paramref name="slot"/> from this scheduler's pool, or null. The pools are
    /// array stacks, not linked free lists: a take stores only a constant null and a return one reference, where a list
    /// cost three GC write barriers per object and cycle (and a link field in every pooled object).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal object? PoolTake(int slot)
    {
        if ((uint)slot >= (uint)_pools.Length) return null;
        ref PoolSlot pool = ref _pools[slot];
        int n = pool.Count - 1;
        if (n < 0) return null;
        ref PoolEntry entry = ref pool.Items![n];
        object? item = entry.Item;
        entry.Item = null;
        pool.Count = n;
        return item;
    }

    /// <summary>Returns a free object of the type owning <paramref name="slot"/> to this scheduler's pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void PoolReturn(int slot, object item)
    {
        if ((uint)slot < (uint)_pools.Length)
        {
            ref PoolSlot pool = ref _pools[slot];
            PoolEntry[]? items = pool.Items;
            if (items is not null && pool.Count < items.Length)
            {
                items[pool.Count++].Item = item;
                return;
            }
        }
        PoolReturnSlow(slot, item);
    }

    private void PoolReturnSlow(int slot, object item)
    {
        if ((uint)slot >= (uint)_pools.Length) Array.Resize(ref _pools, Math.Max(slot + 1, _pools.Length * 2));
        ref PoolSlot pool = ref _pools[slot];
        if (pool.Items is null) pool.Items = new PoolEntry[16];
        else if (pool.Count == pool.Items.Length) Array.Resize(ref pool.Items, pool.Items.Length * 2);
        pool.Items[pool.Count++].Item = item;
    }
}
