using System;
using CoSched;
using Xunit;

namespace CoSched.Tests;

/// <summary>
/// Pools keep what the recent peak needed and give the rest back after full collections: a burst of coroutines must not
/// pin its memory for the scheduler's lifetime, and a steady state (no collections) must keep allocating nothing.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))]
public class PoolTrimTests
{
    private static async CoTask PauseOnce() => await Co.Pause();

    private static void FullCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
    }

    [Fact]
    public void After_a_burst_two_full_collections_shrink_the_pools_to_the_recent_peak()
    {
        const int Burst = 20_000;
        var s = new Scheduler();
        Func<CoTask> body = PauseOnce;
        for (int i = 0; i < Burst; i++) s.SpawnBackground(body);
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        int afterBurst = s.PooledObjects();
        Assert.True(afterBurst >= Burst, $"the burst left {afterBurst} pooled objects (records and boxes), expected >= {Burst}");

        // First full collection: the burst is the peak of this window, so the pools keep room for it.
        FullCollection();
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.True(s.PooledObjects() >= Burst, "the first trim after a burst must keep room for that burst");

        // Second: the peak since the last trim is 0 live coroutines, so each free list drops to the floor.
        FullCollection();
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        int trimmed = s.PooledObjects();
        Assert.True(trimmed <= 4 * Scheduler.MinPooledPerType, $"{trimmed} objects still pooled after two trims");

        // The scheduler still works, and refills its pools as needed.
        int ran = 0;
        s.Spawn(async () => { await Co.Pause(); ran++; });
        s.RunUntilIdle();
        Assert.Equal(1, ran);
    }

    [Fact]
    public void After_two_trims_the_bursts_records_are_garbage()
    {
        // Nothing may keep trimmed records reachable: not the pools, and not the stale slots the ready queue leaves
        // behind (it skips rewriting a slot that already holds the coroutine being queued).
        const int Burst = 20_000;
        var s = new Scheduler();
        Func<CoTask> body = PauseOnce;
        s.SpawnBackground(body);
        s.RunUntilIdle();
        FullCollection();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < Burst; i++) s.SpawnBackground(body);
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        long held = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(held > Burst * 100L, $"the burst's pooled records and boxes should hold > 100 B each, held {held} B");

        FullCollection();
        s.RunUntilIdle(); // first trim: keeps room for the burst (the peak of its window)
        FullCollection();
        s.RunUntilIdle(); // second trim: down to the floor
        long left = GC.GetTotalMemory(forceFullCollection: true) - before;
        // What may stay: the grown ready-queue and pool arrays (8 B per slot), not the records (> 100 B each).
        Assert.True(left < Burst * 40L, $"{left} B still held after two trims (the burst held {held} B)");
        GC.KeepAlive(s);
    }

    [Fact]
    public void Without_a_full_collection_nothing_is_trimmed()
    {
        var s = new Scheduler();
        Func<CoTask> body = PauseOnce;
        for (int i = 0; i < 1_000; i++) s.SpawnBackground(body);
        s.RunUntilIdle();
        int pooled = s.PooledObjects();
        for (int round = 0; round < 5; round++)
        {
            for (int i = 0; i < 10; i++) s.SpawnBackground(body);
            s.RunUntilIdle();
        }
        // Only a gen 2 collection (none is forced here; a concurrent test may cause one) may shrink the pools.
        Assert.True(s.PooledObjects() >= Math.Min(pooled, Scheduler.MinPooledPerType));
    }
}
