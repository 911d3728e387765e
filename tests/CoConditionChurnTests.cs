using System;
using CoSched;
using Xunit;

namespace CoSched.Tests;

/// <summary>Runs alone (no parallel test classes), so the process-wide memory it measures is its own.</summary>
[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
}

[Collection(nameof(MemoryMeasurementCollection))]
public class CoConditionChurnTests
{
    [Fact]
    public void A_million_cancelled_waits_without_signals_leave_no_waiter_storage()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        int cancelled = 0, maxWaiters = 0;
        Func<CoTask> waiter = async () =>
        {
            try { await cond.Wait(); }
            catch (CancelledException) { cancelled++; }
        };
        const int Cycles = 1_000_000;
        long memoryBefore = 0;
        s.Spawn(async () =>
        {
            for (int i = 0; i < Cycles; i++)
            {
                CoroutineHandle h = s.Spawn(waiter);
                await Co.Pause(); // the waiter starts and parks
                maxWaiters = Math.Max(maxWaiters, cond.WaiterCount);
                h.Cancel(); // removed from the condition at once
                maxWaiters = Math.Max(maxWaiters, cond.WaiterCount);
                await h.Wait();
                if (i == 1000) memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
            }
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        long memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(Cycles, cancelled);
        Assert.Equal(1, maxWaiters);
        Assert.Equal(0, cond.WaiterCount);
        // Nothing per cancelled wait survives: a leak of even 8 B per wait would show as 8 MB here.
        Assert.True(memoryAfter - memoryBefore < 1_000_000, $"grew by {memoryAfter - memoryBefore} B");
    }
}
