using System.Collections.Generic;
using System.Threading;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class CoMutexTests
{
    [Fact]
    public void Lock_scope_excludes_others_across_awaits_and_hands_over_FIFO()
    {
        var s = new Scheduler();
        var mutex = new CoMutex(s);
        var log = new List<string>();
        foreach (string name in new[] { "a", "b", "c" })
        {
            s.Spawn(async () =>
            {
                using (await mutex.LockAsync())
                {
                    log.Add($"{name} in");
                    await Co.Pause();
                    await Co.Pause();
                    log.Add($"{name} out");
                }
            });
        }
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { "a in", "a out", "b in", "b out", "c in", "c out" }, log);
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void Await_using_scope_works_too()
    {
        var s = new Scheduler();
        var mutex = new CoMutex(s);
        bool wasLocked = false;
        s.Spawn(async () =>
        {
            await using (await mutex.LockAsync())
            {
                wasLocked = mutex.IsLocked;
            }
        });
        s.RunUntilIdle();
        Assert.True(wasLocked);
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void A_stale_releaser_cannot_unlock_a_later_holder()
    {
        var s = new Scheduler();
        var mutex = new CoMutex(s);
        CoMutex.Releaser first = default;
        var log = new List<string>();
        s.Spawn(async () =>
        {
            first = await mutex.LockAsync();
            first.Dispose();
            first.Dispose(); // second dispose: no-op
            using (await mutex.LockAsync())
            {
                first.Dispose(); // from the earlier holding: must not unlock this one
                log.Add(mutex.IsLocked ? "still locked" : "unlocked by a stale releaser");
            }
        });
        s.RunUntilIdle();
        Assert.Equal(new[] { "still locked" }, log);
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void TryLock_and_Unlock()
    {
        var s = new Scheduler();
        var mutex = new CoMutex(s);
        Assert.True(mutex.TryLock());
        Assert.False(mutex.TryLock());
        mutex.Unlock();
        Assert.Throws<SemaphoreFullException>(() => mutex.Unlock());
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void A_locker_cancelled_while_waiting_does_not_get_the_lock()
    {
        var s = new Scheduler();
        var mutex = new CoMutex(s);
        Assert.True(mutex.TryLock());
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            try { using (await mutex.LockAsync()) log.Add("locked"); }
            catch (CancelledException) { log.Add("cancelled"); }
        });
        s.RunUntilIdle();
        h.Cancel();
        s.RunUntilIdle();
        Assert.Equal(new[] { "cancelled" }, log);
        Assert.Equal(0, mutex.WaiterCount);
        mutex.Unlock();
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void Deadlock_report_names_the_mutex()
    {
        var s = new Scheduler();
        var mutex = new CoMutex(s);
        mutex.TryLock();
        s.Spawn(async () => { using (await mutex.LockAsync()) { } }, "locker");
        Assert.Equal(DrainStatus.Deadlock, s.RunUntilIdle().Status);
        Assert.Contains(s.DescribeCoroutines(), b => b.Name == "locker" && b.WaitingOn.StartsWith("CoMutex.LockAsync (1 waiting", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_releaser_handed_a_lock_that_an_Unlock_ended_before_it_resumed_does_not_unlock_the_next_holder()
    {
        // Reliability bug 21 (found by an audit): the releaser took the mutex's generation when the waiter resumed, not
        // when the lock was handed to it, so a raw Unlock() in between made it match the next holder's.
        var s = new Scheduler();
        var m = new CoMutex(s);
        var log = new List<string>();
        s.Spawn(async () =>
        {
            await m.LockAsync();
            await Co.Pause();               // B parks meanwhile
            m.Unlock();                     // hands the lock to B (B has not resumed)
            m.Unlock();                     // ends B's holding (permits are not owned)
            log.Add($"later holder took it: {m.TryLock()}");
        });
        s.Spawn(async () =>
        {
            CoMutex.Releaser b = await m.LockAsync();
            b.Dispose();                    // B's holding already ended: must do nothing
            log.Add($"after B's stale releaser: locked = {m.IsLocked}");
        });
        s.RunUntilIdle();
        Assert.Equal(["later holder took it: True", "after B's stale releaser: locked = True"], log);
    }

    [Fact]
    public void Unlocking_an_unlocked_mutex_throws_and_leaves_a_holder_s_releaser_valid()
    {
        var s = new Scheduler();
        var m = new CoMutex(s);
        bool stillLocked = false;
        s.Spawn(async () =>
        {
            using (await m.LockAsync())
            {
                m.Unlock();
                Assert.Throws<System.Threading.SemaphoreFullException>(() => m.Unlock());
                Assert.True(m.TryLock());  // a new holding
            }                              // the first releaser is stale: it leaves the new holding alone
            stillLocked = m.IsLocked;
        });
        s.RunUntilIdle();
        Assert.True(stillLocked);
    }
}
