using System;
using CoSched;
using Xunit;
using Xunit.Abstractions;

namespace CoSched.Tests.Reliability;

/// <summary>
/// Long churns of the paths that allocate or pool per operation: spawning and cancelling coroutines (top-level and in
/// groups), and waits on every primitive cancelled while parked. Live memory (after a full collection) must not grow
/// between a warmed-up point and the end: a leak of a single byte per cycle would show as a megabyte. These measure
/// process-wide memory, so they run in the non-parallel collection.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))]
public class MemoryChurnTests(ITestOutputHelper output)
{
    private const int Cycles = 1_000_000;
    private const int WarmUp = 10_000;
    /// <summary>Bounded growth allowed: under one byte per cycle.</summary>
    private const long MaxGrowth = Cycles;

    [Fact]
    public void A_million_spawn_and_cancel_cycles_leave_live_memory_flat()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        long before = 0;
        int cancelled = 0;
        Func<CoTask> parked = async () =>
        {
            try { await cond.Wait(); }
            catch (CancelledException) { cancelled++; }
        };
        Func<CoTask> pausing = async () =>
        {
            try { await Co.Pause(); }
            catch (CancelledException) { cancelled++; }
        };
        s.Spawn(async () =>
        {
            for (int i = 0; i < Cycles; i++)
            {
                switch (i & 3)
                {
                    case 0: // a group child cancelled through its handle while parked
                        await Co.WithTaskGroup(async g =>
                        {
                            CoroutineHandle h = g.Spawn(parked);
                            await Co.Pause();
                            h.Cancel();
                        });
                        break;
                    case 1: // a group child cancelled before its first step (its body still starts)
                        await Co.WithTaskGroup(g =>
                        {
                            g.Spawn(pausing).Cancel();
                            return CoTask.CompletedTask;
                        });
                        break;
                    case 2: // a top-level coroutine cancelled while parked and never joined: the scheduler must drop it
                        CoroutineHandle top = s.Spawn(parked);
                        await Co.Pause();
                        top.Cancel();
                        break;
                    default: // a group ended early: every running child is cancelled
                        await Co.WithTaskGroup(async g =>
                        {
                            g.SpawnBackground(parked);
                            g.SpawnBackground(parked);
                            await Co.Pause();
                            g.ReturnImmediately();
                        });
                        break;
                }
                if (i == WarmUp) before = GC.GetTotalMemory(forceFullCollection: true);
            }
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"{Cycles} spawn/cancel cycles: live memory {before} B after warm-up, {after} B at the end ({after - before:+#;-#;0} B)");
        Assert.Equal(Cycles / 4 * 5, cancelled); // every cancelled child saw its cancellation (the last kind has two)
        Assert.Equal(0, s.LiveCoroutines);
        Assert.Equal(0, cond.WaiterCount);
        Assert.True(after - before < MaxGrowth, $"live memory grew by {after - before} B over {Cycles} cycles");
    }

    [Fact]
    public void A_million_wait_and_cancel_cycles_on_every_primitive_leave_live_memory_flat()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var queue = CoQueue<int>.Unbounded(s);
        var full = CoQueue<int>.Blocking(0, s); // a rendezvous: a put waits for a reader
        var semaphore = new CoSemaphore(s, 1, 0);
        var mutex = new CoMutex(s);
        Assert.True(mutex.TryLock());
        var cond = new CoCondition(s);
        var timer = new CoTimer(s, TimeSpan.FromDays(1));
        CoroutineHandle forever = s.Spawn(async () => await cond.Wait(), "joined by waiters");
        long before = 0;
        int cancelled = 0;
        // One waiter body per primitive; each catches its own cancellation so the cycle throws once.
        var waiters = new Func<CoTask>[]
        {
            async () => { try { await queue.Get(); } catch (CancelledException) { cancelled++; } },
            async () => { try { await full.Put(1); } catch (CancelledException) { cancelled++; } },
            async () => { try { await semaphore.Acquire(); } catch (CancelledException) { cancelled++; } },
            async () => { try { using (await mutex.LockAsync()) { } } catch (CancelledException) { cancelled++; } },
            async () => { try { await cond.Wait(); } catch (CancelledException) { cancelled++; } },
            async () => { try { await Co.Sleep(TimeSpan.FromHours(1)); } catch (CancelledException) { cancelled++; } },
            async () => { try { await timer.Wait(); } catch (CancelledException) { cancelled++; } },
            async () => { try { await forever.Wait(); } catch (CancelledException) { cancelled++; } },
            async () =>
            {
                try { await Co.WithTimeout(TimeSpan.FromHours(1), async () => await cond.Wait()); }
                catch (CancelledException) { cancelled++; }
            },
        };
        s.Spawn(async () =>
        {
            for (int i = 0; i < Cycles; i++)
            {
                CoroutineHandle h = s.Spawn(waiters[i % waiters.Length]);
                await Co.Pause(); // the waiter starts and parks
                h.Cancel(); // removed from the primitive at once
                await h.Wait();
                if (i == WarmUp) before = GC.GetTotalMemory(forceFullCollection: true);
            }
            cond.Broadcast(); // releases the coroutine the join waiters waited for
            timer.Cancel();
        });
        DrainResult r = s.RunUntilIdle();
        Assert.True(r.Status == DrainStatus.Completed, $"{r}: {s.DescribeCoroutines()}");
        long after = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"{Cycles} wait/cancel cycles over {waiters.Length} kinds of wait: live memory {before} B after warm-up, " +
                         $"{after} B at the end ({after - before:+#;-#;0} B)");
        Assert.Equal(Cycles, cancelled);
        Assert.Equal(0, queue.ParkedReaders);
        Assert.Equal(0, full.ParkedWriters);
        Assert.Equal(0, semaphore.WaiterCount);
        Assert.Equal(0, mutex.WaiterCount);
        Assert.Equal(0, cond.WaiterCount);
        Assert.Equal(0, timer.WaiterCount);
        Assert.Equal(0, loop.PendingTimerCount); // cancelled sleeps and timeouts left the timer heap at once
        Assert.True(after - before < MaxGrowth, $"live memory grew by {after - before} B over {Cycles} cycles");
    }
}
