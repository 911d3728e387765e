using System;
using System.Collections.Generic;
using System.Threading;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class CoSemaphoreTests
{
    [Fact]
    public void Waiters_get_permits_in_FIFO_order()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 1);
        Assert.True(sem.TryAcquire());
        var log = new List<string>();
        foreach (string name in new[] { "a", "b", "c" })
            s.Spawn(async () => { await sem.Acquire(); log.Add(name); });
        s.RunUntilIdle();
        Assert.Equal(3, sem.WaiterCount);
        for (int i = 0; i < 3; i++)
        {
            sem.Release();
            s.RunUntilIdle();
        }
        Assert.Equal(new[] { "a", "b", "c" }, log);
        Assert.Equal(0, sem.Available); // "c" still holds the last permit
    }

    [Fact]
    public void A_released_permit_goes_to_the_waiter_so_TryAcquire_fails_meanwhile()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 2, 0);
        bool acquired = false;
        s.Spawn(async () => { await sem.Acquire(); acquired = true; });
        s.RunUntilIdle();
        Assert.False(sem.TryAcquire());
        sem.Release(); // handed straight to the waiter, which has not run yet
        Assert.Equal(0, sem.Available);
        Assert.False(sem.TryAcquire());
        s.RunUntilIdle();
        Assert.True(acquired);
        sem.Release(); // no waiter now: the permit becomes free
        Assert.Equal(1, sem.Available);
        Assert.True(sem.TryAcquire());
    }

    [Fact]
    public void Permits_are_shared_fairly_among_contending_coroutines()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 2);
        var turns = new List<int>();
        int inside = 0, maxInside = 0;
        for (int c = 0; c < 4; c++)
        {
            int id = c;
            s.Spawn(async () =>
            {
                for (int i = 0; i < 3; i++)
                {
                    await sem.Acquire();
                    turns.Add(id);
                    maxInside = Math.Max(maxInside, ++inside);
                    await Co.Pause();
                    inside--;
                    sem.Release();
                }
            });
        }
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(2, maxInside);
        Assert.Equal(new[] { 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3 }, turns); // FIFO hand-off: strict rotation
        Assert.Equal(2, sem.Available);
    }

    [Fact]
    public void Release_beyond_size_throws_and_changes_nothing()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 2, 1);
        sem.Release();
        Assert.Equal(2, sem.Available);
        var e = Assert.Throws<SemaphoreFullException>(() => sem.Release());
        Assert.Contains("acquire", e.Message);
        Assert.Equal(2, sem.Available);
        Assert.True(sem.TryAcquire());
        Assert.True(sem.TryAcquire());
        Assert.False(sem.TryAcquire());
    }

    [Fact]
    public void A_waiter_cancelled_after_the_hand_off_keeps_the_permit()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 1, 0);
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            await sem.Acquire();
            log.Add("acquired");
            try { await Co.Pause(); }
            catch (CancelledException) { log.Add("cancel at next suspension"); }
            finally { sem.Release(); }
        });
        s.RunUntilIdle();
        sem.Release(); // hand-off
        h.Cancel();
        s.RunUntilIdle();
        Assert.Equal(new[] { "acquired", "cancel at next suspension" }, log);
        Assert.Equal(1, sem.Available); // the permit went back through the holder's finally: none lost
    }

    [Fact]
    public void A_waiter_cancelled_while_waiting_leaves_at_once_and_gets_nothing()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 1, 0);
        var log = new List<string>();
        CoroutineHandle first = s.Spawn(async () =>
        {
            try { await sem.Acquire(); log.Add("first acquired"); }
            catch (CancelledException) { log.Add("first cancelled"); }
        });
        s.Spawn(async () => { await sem.Acquire(); log.Add("second acquired"); });
        s.RunUntilIdle();
        first.Cancel();
        Assert.Equal(1, sem.WaiterCount);
        sem.Release();
        s.RunUntilIdle();
        Assert.Equal(new[] { "first cancelled", "second acquired" }, log);
        Assert.Equal(0, sem.Available);
    }

    [Fact]
    public void A_free_permit_wins_over_a_pending_cancel()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 1);
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            await sem.Acquire();
            log.Add("acquired");
            try { await sem.Acquire(); }
            catch (CancelledException) { log.Add("cancelled"); }
        });
        h.Cancel();
        s.RunUntilIdle();
        Assert.Equal(new[] { "acquired", "cancelled" }, log);
        Assert.Equal(0, sem.Available);
        Assert.Equal(0, sem.WaiterCount);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(2, -1)]
    [InlineData(2, 3)]
    public void Bad_sizes_are_rejected(int size, int initial)
    {
        var s = new Scheduler();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CoSemaphore(s, size, initial));
        Assert.False(string.IsNullOrEmpty(e.ParamName));
    }

    [Fact]
    public void Deadlock_report_names_the_semaphore()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 1, 0);
        s.Spawn(async () => await sem.Acquire(), "stuck");
        Assert.Equal(DrainStatus.Deadlock, s.RunUntilIdle().Status);
        Assert.Contains(s.DescribeCoroutines(),
                        b => b.Name == "stuck" && b.WaitingOn == "CoSemaphore.Acquire (1 waiting, 0/1 permits free)");
    }

    [Fact]
    public void Calls_from_another_thread_throw_WrongThreadException()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 1);
        var mutex = new CoMutex(s);
        var errors = new List<Exception?>();
        var t = new Thread(() =>
        {
            errors.Add(CoQueueTests.Record(() => sem.TryAcquire()));
            errors.Add(CoQueueTests.Record(() => sem.Release()));
            errors.Add(CoQueueTests.Record(() => _ = sem.Acquire().IsCompleted)); // checked at the await
            errors.Add(CoQueueTests.Record(() => _ = sem.Available));
            errors.Add(CoQueueTests.Record(() => mutex.TryLock()));
            errors.Add(CoQueueTests.Record(() => _ = mutex.LockAsync().IsCompleted));
            errors.Add(CoQueueTests.Record(() => mutex.Unlock()));
            errors.Add(CoQueueTests.Record(() => new CoSemaphore(s, 1)));
        });
        t.Start();
        t.Join();
        Assert.Equal(8, errors.Count);
        Assert.All(errors, e => Assert.IsType<WrongThreadException>(e));
        Assert.Equal(1, sem.Available);
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void Acquire_outside_a_coroutine_throws_invalid_operation()
    {
        var s = new Scheduler();
        var sem = new CoSemaphore(s, 1);
        // Checked at the await (IsCompleted), before a permit is taken; creating the awaitable touches nothing.
        Assert.Throws<InvalidOperationException>(() => sem.Acquire().IsCompleted);
        Assert.Equal(1, sem.Available);
        Assert.Throws<InvalidOperationException>(() => new CoSemaphore(1, 1));
    }
}
