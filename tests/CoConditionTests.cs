using System;
using System.Collections.Generic;
using System.Threading;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class CoConditionTests
{
    [Fact]
    public void A_signal_with_no_waiter_is_lost_and_Wait_always_suspends()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        Assert.False(cond.Signal());
        Assert.Equal(0, cond.Broadcast());
        bool woke = false;
        s.Spawn(async () => { await cond.Wait(); woke = true; }, "waiter");
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Deadlock, r.Status);
        Assert.Contains(s.DescribeCoroutines(), b => b.Name == "waiter" && b.WaitingOn == "CoCondition.Wait (1 waiting)");
        Assert.False(woke);
        Assert.True(cond.Signal());
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.True(woke);
    }

    [Fact]
    public void Signal_wakes_waiters_one_at_a_time_in_FIFO_order()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        var log = new List<string>();
        foreach (string name in new[] { "a", "b", "c" })
            s.Spawn(async () => { await cond.Wait(); log.Add(name); });
        s.RunUntilIdle();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(cond.Signal());
            s.RunUntilIdle();
            Assert.Equal(i + 1, log.Count);
        }
        Assert.Equal(new[] { "a", "b", "c" }, log);
    }

    [Fact]
    public void Broadcast_wakes_everyone_waiting_now_but_not_later_waiters()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        var log = new List<string>();
        foreach (string name in new[] { "a", "b", "c" })
            s.Spawn(async () =>
            {
                await cond.Wait();
                log.Add(name);
                await cond.Wait(); // waits again: not woken by the same broadcast
                log.Add(name + " again");
            });
        s.RunUntilIdle();
        Assert.Equal(3, cond.Broadcast());
        s.RunUntilIdle();
        Assert.Equal(new[] { "a", "b", "c" }, log);
        Assert.Equal(3, cond.WaiterCount);
        Assert.Equal(3, cond.Broadcast());
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
    }

    [Fact]
    public void A_waiter_cancelled_after_being_woken_returns_normally()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            await cond.Wait();
            log.Add("woken");
            try { await Co.Pause(); }
            catch (CancelledException) { log.Add("cancel at next suspension"); }
        });
        s.RunUntilIdle();
        cond.Signal();
        h.Cancel();
        s.RunUntilIdle();
        Assert.Equal(new[] { "woken", "cancel at next suspension" }, log);
    }

    [Fact]
    public void A_cancelled_waiter_leaves_at_once_and_the_signal_goes_to_the_next()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        var log = new List<string>();
        CoroutineHandle a = s.Spawn(async () =>
        {
            try { await cond.Wait(); log.Add("a woken"); }
            catch (CancelledException) { log.Add("a cancelled"); }
        });
        s.Spawn(async () => { await cond.Wait(); log.Add("b woken"); });
        s.RunUntilIdle();
        a.Cancel();
        Assert.Equal(1, cond.WaiterCount);
        Assert.True(cond.Signal());
        s.RunUntilIdle();
        Assert.Equal(new[] { "a cancelled", "b woken" }, log);
    }

    [Fact]
    public void A_cancelled_coroutine_cannot_start_a_wait()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            try { await cond.Wait(); }
            catch (CancelledException) { log.Add("cancelled"); }
        });
        h.Cancel();
        s.RunUntilIdle();
        Assert.Equal(new[] { "cancelled" }, log);
        Assert.Equal(0, cond.WaiterCount);
    }

    [Fact]
    public void Calls_from_another_thread_throw_WrongThreadException()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        var errors = new List<Exception?>();
        var t = new Thread(() =>
        {
            errors.Add(CoQueueTests.Record(() => cond.Signal()));
            errors.Add(CoQueueTests.Record(() => cond.Broadcast()));
            errors.Add(CoQueueTests.Record(() => _ = cond.Wait().IsCompleted)); // checked at the await
            errors.Add(CoQueueTests.Record(() => new CoCondition(s)));
        });
        t.Start();
        t.Join();
        Assert.Equal(4, errors.Count);
        Assert.All(errors, e => Assert.IsType<WrongThreadException>(e));
    }

    [Fact]
    public void Wait_outside_a_coroutine_throws_invalid_operation()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        // Checked at the await (IsCompleted); creating the awaitable touches nothing.
        Assert.Throws<InvalidOperationException>(() => cond.Wait().IsCompleted);
        Assert.Equal(0, cond.WaiterCount);
    }
}
