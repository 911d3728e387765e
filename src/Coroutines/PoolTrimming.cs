using System;
using System.Threading;

namespace CoSched;

/// <summary>
/// Counts full (gen 2) garbage collections, the signal ArrayPool also trims on: an object whose finalizer re-registers
/// itself is finalized once after each gen 2 collection. A scheduler compares the count at the start of a drain, so a
/// process that allocates nothing (the steady state the pools exist for) never trims, and one that has moved on from a
/// burst of coroutines gives the memory back.
/// </summary>
internal sealed class PoolTrimSignal
{
    private static int s_gen2Collections;

    // The sentinel must stay unreferenced (only the finalization queue knows it), or it would never be finalized. An
    // explicit static constructor runs before the first read of the count.
    static PoolTrimSignal() => _ = new PoolTrimSignal();

    private PoolTrimSignal() { }

    /// <summary>Full collections seen since the process started (the first one or two may be younger ones, while the
    /// sentinel is promoted to gen 2); only changes are meaningful.</summary>
    internal static int Gen2Collections => Volatile.Read(ref s_gen2Collections);

    ~PoolTrimSignal()
    {
        Interlocked.Increment(ref s_gen2Collections);
        if (!Environment.HasShutdownStarted) GC.ReRegisterForFinalize(this);
    }
}

public sealed partial class Scheduler
{
    /// <summary>The gen 2 count at the last trim.</summary>
    private int _trimmedAtGen2 = PoolTrimSignal.Gen2Collections;
    /// <summary>The most coroutines alive at once since the last trim: what the pools keep room for.</summary>
    private int _liveHighWater;

    /// <summary>Pools keep at least this many objects per type, whatever the recent peak.</summary>
    internal const int MinPooledPerType = 64;

    /// <summary>
    /// Called at the start of a drain after a gen 2 collection: shortens every pool (records, group records,
    /// state-machine boxes) to twice the peak number of live coroutines since the previous trim. Pools never shrink between
    /// two full collections, so a steady state allocates nothing; after a burst of a million coroutines ends, the next
    /// two full collections give its memory back.
    /// </summary>
    internal void TrimPools()
    {
        _trimmedAtGen2 = PoolTrimSignal.Gen2Collections;
        // Twice the peak: a coroutine may hold more than one suspended frame, each frame type its own pool.
        int keep = Math.Max(2 * _liveHighWater, MinPooledPerType);
        _liveHighWater = _liveCount;
        _ready.ClearStale();
        for (int slot = 0; slot < _pools.Length; slot++)
        {
            ref PoolSlot pool = ref _pools[slot];
            if (pool.Count <= keep) continue;
            Array.Clear(pool.Items!, keep, pool.Count - keep); // the rest becomes garbage
            pool.Count = keep;
            if (pool.Items!.Length > 4 * keep) Array.Resize(ref pool.Items, 2 * keep);
        }
    }

    /// <summary>Objects in this scheduler's pools (diagnostics and tests).</summary>
    internal int PooledObjects()
    {
        int n = 0;
        for (int slot = 0; slot < _pools.Length; slot++) n += _pools[slot].Count;
        return n;
    }
}
