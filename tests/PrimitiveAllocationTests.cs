using System;
using CoSched;
using Xunit;

namespace CoSched.Tests;

/// <summary>
/// Steady-state operations of the primitives allocate nothing: long-lived coroutines loop forever, a warm-up drain fills
/// the pools (state-machine boxes, waiter nodes, ring buffers), then a measured drain must not allocate a byte.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))] // alone: no parallel test's garbage collection lands in a measured window
public class PrimitiveAllocationTests
{
    private const int WarmupSteps = 50_000;
    private const int MeasuredSteps = 50_000;

    private static long MeasureSteadyState(Scheduler s, Func<long> progress)
    {
        Assert.Equal(DrainStatus.BudgetExhausted, s.RunUntilIdle(DrainBudget.Steps(WarmupSteps)).Status);
        long progressBefore = progress();
        long before = GC.GetAllocatedBytesForCurrentThread();
        DrainResult r = s.RunUntilIdle(DrainBudget.Steps(MeasuredSteps));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(DrainStatus.BudgetExhausted, r.Status);
        Assert.True(progress() - progressBefore > 1000, "the measured drain must do real work");
        return allocated;
    }

    [Theory]
    [InlineData(QueueKind.Unbounded, 0)]
    [InlineData(QueueKind.Blocking, 8)]
    [InlineData(QueueKind.Blocking, 0)]
    [InlineData(QueueKind.DiscardOldest, 4)]
    public void Queue_put_and_get_allocate_nothing(QueueKind kind, int capacity)
    {
        var s = new Scheduler();
        CoQueue<int> q = kind switch
        {
            QueueKind.Unbounded => CoQueue<int>.Unbounded(s),
            QueueKind.Blocking => CoQueue<int>.Blocking(capacity, s),
            _ => CoQueue<int>.DiscardOldest(capacity, s),
        };
        long received = 0;
        s.Spawn(async () =>
        {
            for (int i = 0; ; i++)
            {
                await q.Put(i);
                if (i % 32 == 0) await Co.Pause(); // lets the unbounded queue's reader catch up: its ring stops growing
            }
        });
        s.Spawn(async () =>
        {
            while (true)
            {
                await q.Get();
                received++;
            }
        });
        Assert.Equal(0, MeasureSteadyState(s, () => received));
    }

    [Fact]
    public void Queue_await_foreach_allocates_nothing_per_item()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(4, s);
        long received = 0;
        s.Spawn(async () =>
        {
            for (int i = 0; ; i++) await q.Put(i);
        });
        s.Spawn(async () =>
        {
            await foreach (int x in q) received += x >= 0 ? 1 : 0;
        });
        Assert.Equal(0, MeasureSteadyState(s, () => received));
    }

    [Fact]
    public void Contended_semaphore_acquire_and_release_allocate_nothing()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 2);
        long cycles = 0;
        for (int c = 0; c < 8; c++)
        {
            s.Spawn(async () =>
            {
                while (true)
                {
                    await sem.Acquire(); // mostly a parked wait ended by a hand-off
                    await Co.Pause();
                    sem.Release();
                    cycles++;
                }
            });
        }
        Assert.Equal(0, MeasureSteadyState(s, () => cycles));
    }

    [Fact]
    public void Mutex_lock_scope_allocates_nothing()
    {
        var s = new Scheduler();
        var mutex = new CoMutex(s);
        long cycles = 0;
        for (int c = 0; c < 4; c++)
        {
            s.Spawn(async () =>
            {
                while (true)
                {
                    using (await mutex.LockAsync()) await Co.Pause();
                    cycles++;
                }
            });
        }
        Assert.Equal(0, MeasureSteadyState(s, () => cycles));
    }

    [Fact]
    public void Condition_wait_and_signal_allocate_nothing()
    {
        var s = new Scheduler();
        var ping = new CoCondition(s);
        var pong = new CoCondition(s);
        long rounds = 0;
        s.Spawn(async () =>
        {
            while (true)
            {
                await ping.Wait();
                pong.Signal();
            }
        });
        s.Spawn(async () =>
        {
            await Co.Pause(); // the other side waits first
            while (true)
            {
                ping.Signal();
                await pong.Wait();
                rounds++;
            }
        });
        Assert.Equal(0, MeasureSteadyState(s, () => rounds));
    }
}
