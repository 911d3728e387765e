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
}
