using System;
using System.Collections.Generic;
using Xunit;

namespace CoSched.Tests;

public class SleepTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public void Sleep_resumes_at_its_deadline_and_the_virtual_clock_jumps_there()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        TimeSpan woke = TimeSpan.MinValue;
        s.RunAsyncMain(async () =>
        {
            await Co.Sleep(TimeSpan.FromMilliseconds(1500));
            woke = loop.Now;
        });
        DrainResult r = loop.RunUntilIdle();
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), woke);
    }

    [Fact]
    public void Plain_drain_fires_nothing_early_and_reports_the_next_deadline()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        s.Spawn(async () => await Co.Sleep(TimeSpan.FromMilliseconds(1500)), "sleeper");
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), r.NextDeadline);
        Assert.False(r.ExternalWaitsPending);
        Assert.Equal(TimeSpan.Zero, loop.Now); // a scheduler drain never moves time
        Assert.Equal("Co.Sleep until 00:00:01.5000000", Assert.Single(s.DescribeCoroutines()).WaitingOn);
    }

    [Fact]
    public void Equal_deadlines_fire_in_the_order_the_sleeps_were_armed()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var order = new List<int>();
        for (int i = 0; i < 5; i++)
        {
            int id = i;
            // Spawned 0..4, but coroutine i pauses (4 - i) times first: they arm in the order 4, 3, 2, 1, 0, all for t = 1 s.
            s.Spawn(async () =>
            {
                for (int p = 0; p < 4 - id; p++) await Co.Pause();
                await Co.Sleep(OneSecond);
                order.Add(id);
            });
        }
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(new[] { 4, 3, 2, 1, 0 }, order);
        Assert.Equal(OneSecond, loop.Now);
    }

    [Fact]
    public void Earlier_deadline_fires_first_whatever_the_arming_order()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var order = new List<string>();
        s.Spawn(async () => { await Co.Sleep(TimeSpan.FromSeconds(3)); order.Add("3s"); });
        s.Spawn(async () => { await Co.Sleep(TimeSpan.FromSeconds(1)); order.Add("1s"); });
        s.Spawn(async () => { await Co.Sleep(TimeSpan.FromSeconds(2)); order.Add("2s"); });
        loop.RunUntilIdle();
        Assert.Equal(new[] { "1s", "2s", "3s" }, order);
    }

    [Fact]
    public void Sleep_zero_yields_until_the_next_round()
    {
        var s = new Scheduler();
        new VirtualEventLoop(s);
        var log = new List<string>();
        s.Spawn(async () => { log.Add("a1"); await Co.Sleep(TimeSpan.Zero); log.Add("a2"); });
        s.Spawn(async () => { log.Add("b1"); await Co.Pause(); log.Add("b2"); });
        DrainResult r = s.RunUntilIdle(); // no jump needed: a zero sleep is due at once
        Assert.Equal(DrainStatus.Completed, r.Status);
        // Both resume in the next round. The sleeper is queued when the timers are checked at that round's start, so
        // behind the pauser, which was queued during the first round.
        Assert.Equal(new[] { "a1", "b1", "b2", "a2" }, log);
        Assert.Equal(2, r.Rounds);
    }

    [Fact]
    public void Cancelled_sleep_throws_and_removes_its_timer_at_once()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        Exception? caught = null;
        CoroutineHandle h = s.Spawn(async () =>
        {
            try { await Co.Sleep(TimeSpan.FromHours(1)); }
            catch (Exception e) { caught = e; throw; }
        });
        s.RunUntilIdle();
        Assert.Equal(1, loop.PendingTimerCount);
        h.Cancel();
        Assert.Equal(0, loop.PendingTimerCount);
        Assert.False(loop.HasPendingTimers);
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.IsType<CancelledException>(caught);
        Assert.Equal(CoroutineState.Cancelled, h.State);
        Assert.Equal(TimeSpan.Zero, loop.Now); // the clock never jumped to the cancelled deadline
    }

    [Fact]
    public void Sleeps_cancelled_repeatedly_do_not_accumulate()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        for (int round = 0; round < 100; round++)
        {
            var handles = new List<CoroutineHandle>();
            for (int i = 0; i < 50; i++) handles.Add(s.Spawn(async () => await Co.Sleep(TimeSpan.FromHours(1))));
            s.RunUntilIdle();
            Assert.Equal(50, loop.PendingTimerCount);
            foreach (CoroutineHandle h in handles) h.Cancel();
            Assert.Equal(0, loop.PendingTimerCount);
            s.RunUntilIdle();
        }
        Assert.Equal(0, s.LiveCoroutines);
    }

    [Fact]
    public void Already_cancelled_coroutine_throws_at_the_sleep_without_arming_a_timer()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        int timersSeen = -1;
        CoroutineHandle h = s.Spawn(async () =>
        {
            await Co.ProtectFromCancel(async () => await Co.Pause()); // the cancel arrives here, and waits
            try { await Co.Sleep(OneSecond); }
            finally { timersSeen = loop.PendingTimerCount; }
        });
        s.RunUntilIdle(DrainBudget.Steps(1));
        h.Cancel();
        loop.RunUntilIdle();
        Assert.Equal(CoroutineState.Cancelled, h.State);
        Assert.Equal(0, timersSeen);
    }

    [Fact]
    public void Shielded_sleep_ignores_the_cancel_and_the_next_suspension_throws()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            await Co.ProtectFromCancel(async () => { await Co.Sleep(OneSecond); log.Add("slept " + loop.Now.TotalSeconds); });
            log.Add("after shield");
            await Co.Pause();
            log.Add("unreachable");
        });
        s.RunUntilIdle();
        h.Cancel();
        loop.RunUntilIdle();
        Assert.Equal(new[] { "slept 1", "after shield" }, log);
        Assert.Equal(CoroutineState.Cancelled, h.State);
    }

    [Fact]
    public void Negative_delay_throws_argument_out_of_range_at_the_call()
    {
        var s = new Scheduler();
        new VirtualEventLoop(s);
        Exception? caught = null;
        s.Spawn(async () =>
        {
            try { await Co.Sleep(TimeSpan.FromTicks(-1)); }
            catch (Exception e) { caught = e; }
        });
        s.RunUntilIdle();
        var ex = Assert.IsType<ArgumentOutOfRangeException>(caught);
        Assert.Contains("TimeSpan.Zero", ex.Message);
    }

    [Fact]
    public void Huge_delay_saturates_instead_of_overflowing()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        s.Spawn(async () => { await Co.Sleep(TimeSpan.FromHours(1)); await Co.Sleep(TimeSpan.MaxValue); });
        DrainResult r = loop.AdvanceBy(TimeSpan.FromHours(2));
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.Equal(TimeSpan.MaxValue, r.NextDeadline);
    }

    [Fact]
    public void Sleep_outside_a_coroutine_throws_invalid_operation()
    {
        var s = new Scheduler();
        new VirtualEventLoop(s);
        var ex = Assert.Throws<InvalidOperationException>(() => Co.Sleep(OneSecond));
        Assert.Contains("Co.Sleep", ex.Message);
    }
}
