using System;
using Xunit;

namespace CoSched.Tests;

[Collection(nameof(MemoryMeasurementCollection))] // alone: no parallel test's garbage collection lands in a measured window
public class SleepAllocationTests
{
    /// <summary>
    /// Bytes allocated by 20,000 sleeps of 100 long-lived coroutines, after a warm-up that fills the pools (sleep timers,
    /// state-machine boxes) and the heap's array. The window lies inside the coroutines' lives, so it measures only the
    /// sleeps (a Debug build allocates a state machine per async call, at its start).
    /// </summary>
    private static long MeasureSleeps(TimeSpan delay)
    {
        const int Coroutines = 100, SleepsEach = 200;
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        Func<CoTask> body = async () =>
        {
            while (true) await Co.Sleep(delay);
        };
        for (int i = 0; i < Coroutines; i++) s.SpawnBackground(body);
        DrainStatus Run() => delay == TimeSpan.Zero
            ? s.RunUntilIdle(DrainBudget.Steps(Coroutines * SleepsEach)).Status
            : loop.AdvanceBy(delay * SleepsEach).Status;
        DrainStatus expected = delay == TimeSpan.Zero ? DrainStatus.BudgetExhausted : DrainStatus.Idle;
        for (int i = 0; i < 5; i++) Assert.Equal(expected, Run());
        long before = GC.GetAllocatedBytesForCurrentThread();
        DrainStatus status = Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(expected, status);
        Assert.Equal(Coroutines, s.LiveCoroutines);
        return allocated;
    }

    [Fact]
    public void Steady_state_zero_sleeps_allocate_nothing() => Assert.Equal(0, MeasureSleeps(TimeSpan.Zero));

    [Fact]
    public void Steady_state_short_sleeps_allocate_nothing() => Assert.Equal(0, MeasureSleeps(TimeSpan.FromMilliseconds(3)));
}
