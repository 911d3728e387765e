using System;
using System.Collections.Generic;
using Xunit;

namespace CoSched.Tests;

public class CoTimerTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public void Firing_releases_every_waiter_in_FIFO_order_with_true()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var timer = new CoTimer(s, OneSecond);
        var log = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            int id = i;
            s.Spawn(async () => { bool fired = await timer.Wait(); log.Add($"{id}:{fired}@{loop.Now.TotalSeconds}"); });
        }
        s.RunUntilIdle();
        Assert.Equal(3, timer.WaiterCount);
        Assert.True(timer.IsArmed);
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(new[] { "0:True@1", "1:True@1", "2:True@1" }, log);
        Assert.True(timer.HasFired);
        Assert.False(timer.IsArmed);
        Assert.Equal(0, loop.PendingTimerCount);
    }

    [Fact]
    public void Waiting_on_a_fired_timer_completes_at_once_with_true()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        bool? result = null;
        s.RunAsyncMain(async () =>
        {
            var timer = new CoTimer(OneSecond);
            await timer.Wait();
            CoTimerAwaitable again = timer.Wait();
            Assert.True(again.IsCompleted);
            result = await again;
        });
        loop.RunUntilIdle();
        Assert.True(result);
    }

    [Fact]
    public void Cancel_disarms_and_releases_waiters_with_false()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var timer = new CoTimer(s, OneSecond);
        var results = new List<bool>();
        s.Spawn(async () => results.Add(await timer.Wait()));
        s.Spawn(async () => results.Add(await timer.Wait()));
        s.RunUntilIdle();
        Assert.True(timer.Cancel());
        Assert.False(timer.Cancel()); // not armed any more
        Assert.Equal(0, loop.PendingTimerCount);
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(new[] { false, false }, results);
        Assert.False(timer.HasFired);
        Assert.Equal(TimeSpan.Zero, loop.Now);
    }

    [Fact]
    public void Refresh_pushes_the_deadline_back_and_current_waiters_wait_for_the_new_one()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var timer = new CoTimer(s, OneSecond);
        TimeSpan firedAt = TimeSpan.Zero;
        s.Spawn(async () => { await timer.Wait(); firedAt = loop.Now; });
        loop.AdvanceBy(TimeSpan.FromMilliseconds(600));
        timer.Refresh();
        Assert.Equal(TimeSpan.FromMilliseconds(1600), timer.Deadline);
        loop.AdvanceBy(TimeSpan.FromMilliseconds(900)); // t = 1.5 s: past the original deadline, before the new one
        Assert.Equal(TimeSpan.Zero, firedAt);
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(TimeSpan.FromMilliseconds(1600), firedAt);
    }

    [Fact]
    public void Reset_rearms_a_fired_or_cancelled_timer_with_a_new_duration()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var log = new List<string>();
        s.RunAsyncMain(async () =>
        {
            var timer = new CoTimer(OneSecond);
            log.Add($"{await timer.Wait()}@{loop.Now.TotalSeconds}");
            timer.Reset(TimeSpan.FromSeconds(2));
            log.Add($"{await timer.Wait()}@{loop.Now.TotalSeconds}");
            timer.Cancel();
            timer.Refresh(); // the duration is now 2 s
            Assert.Equal(TimeSpan.FromSeconds(2), timer.Duration);
            log.Add($"{await timer.Wait()}@{loop.Now.TotalSeconds}");
        });
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(new[] { "True@1", "True@3", "True@5" }, log);
    }

    [Fact]
    public void Waiter_released_by_a_firing_reports_true_even_if_the_timer_is_rearmed_and_cancelled_before_it_runs()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var timer = new CoTimer(s, OneSecond);
        bool? first = null, second = null;
        // The first waiter is released first and, before the second one runs, re-arms and cancels the timer.
        s.Spawn(async () =>
        {
            first = await timer.Wait();
            timer.Reset(OneSecond);
            timer.Cancel();
        });
        s.Spawn(async () => second = await timer.Wait());
        loop.RunUntilIdle();
        Assert.True(first);
        Assert.True(second);
    }

    [Fact]
    public void Waiter_released_by_a_cancel_reports_false_even_if_the_timer_is_rearmed_and_fires_before_it_runs()
    {
        // Reliability bug 15: the waiter used to compare the timer's firing count with the one it saw when it began, so
        // a firing after the cancel that released it, but before it ran, made it report true.
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var timer = new CoTimer(s, OneSecond);
        bool? got = null;
        s.Spawn(async () => got = await timer.Wait());
        s.Spawn(async () =>
        {
            await Co.Pause();           // the waiter has parked
            timer.Cancel();             // releases it with false
            timer.Reset(TimeSpan.Zero); // due now: fires at the start of the round in which the waiter resumes
        });
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.True(timer.HasFired);
        Assert.False(got);
    }

    [Fact]
    public void Equal_deadlines_fire_in_creation_order_across_timers()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var order = new List<int>();
        var timers = new CoTimer[4];
        for (int i = 0; i < timers.Length; i++) timers[i] = new CoTimer(s, OneSecond);
        for (int i = timers.Length - 1; i >= 0; i--)
        {
            int id = i;
            s.Spawn(async () => { await timers[id].Wait(); order.Add(id); });
        }
        loop.RunUntilIdle();
        Assert.Equal(new[] { 0, 1, 2, 3 }, order);
    }

    [Fact]
    public void Cancelled_waiter_leaves_the_timer_and_throws()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var timer = new CoTimer(s, OneSecond);
        Exception? caught = null;
        CoroutineHandle h = s.Spawn(async () =>
        {
            try { await timer.Wait(); }
            catch (Exception e) { caught = e; }
        });
        s.RunUntilIdle();
        h.Cancel();
        Assert.Equal(0, timer.WaiterCount);
        s.RunUntilIdle();
        Assert.IsType<CancelledException>(caught);
        Assert.True(timer.IsArmed);
    }

    [Fact]
    public void Bad_durations_and_wrong_threads_are_refused()
    {
        var s = new Scheduler();
        new VirtualEventLoop(s);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CoTimer(s, TimeSpan.FromTicks(-1)));
        var timer = new CoTimer(s, OneSecond);
        Assert.Throws<ArgumentOutOfRangeException>(() => timer.Reset(TimeSpan.FromTicks(-1)));
        Assert.True(timer.IsArmed); // nothing changed
        Exception? fromOtherThread = null;
        var t = new System.Threading.Thread(() =>
        {
            try { timer.Cancel(); }
            catch (Exception e) { fromOtherThread = e; }
        });
        t.Start();
        t.Join();
        Assert.IsType<WrongThreadException>(fromOtherThread);
        Assert.True(timer.IsArmed);
    }
}
