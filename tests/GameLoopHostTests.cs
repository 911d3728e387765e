using System;
using System.Collections.Generic;
using System.Diagnostics;
using CoSched.Host;
using Xunit;

namespace CoSched.Tests;

public class GameLoopHostTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(16);

    [Fact]
    public void Work_spawned_during_a_tick_runs_no_earlier_than_the_next_round()
    {
        var host = new GameLoopHost();
        var log = new List<string>();
        host.Scheduler.Spawn(async () =>
        {
            await Co.NextFrame();
            log.Add("A");
            host.Scheduler.Spawn(async () => { log.Add("B (spawned by A)"); await Co.Pause(); });
            log.Add("A after spawn");
        });
        host.Scheduler.Spawn(async () => { await Co.NextFrame(); log.Add("C"); });
        host.Scheduler.RunUntilIdle(); // both start and wait for tick 1
        TickResult r = host.Tick(Frame);
        // C was ready in the same round as A; B was spawned during that round, so it runs in the next one, after C.
        Assert.Equal(new[] { "A", "A after spawn", "C", "B (spawned by A)" }, log);
        Assert.Equal(3, r.Drain.Rounds); // A+C, then B, then B's pause
        Assert.Equal(DrainStatus.Completed, r.Status);
    }

    [Fact]
    public void NextFrame_resumes_exactly_one_tick_later_however_many_rounds_a_tick_runs()
    {
        var host = new GameLoopHost();
        var frames = new List<long>();
        host.Scheduler.Spawn(async () =>
        {
            for (int i = 0; i < 5; i++)
            {
                frames.Add(host.Frame);
                await Co.NextFrame();
            }
        });
        // A busy coroutine keeps every tick running many rounds: NextFrame must still not resume within the same tick.
        host.Scheduler.Spawn(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                await Co.Pause();
            }
        });
        host.Scheduler.RunUntilIdle(DrainBudget.Steps(1)); // the frame coroutine starts before the first tick (frame 0)
        for (int t = 0; t < 6; t++)
        {
            TickResult r = host.Tick(Frame, DrainBudget.Steps(10));
            Assert.True(r.Drain.Rounds >= 5, r.ToString()); // many rounds per tick, yet one frame per NextFrame
        }
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, frames);
    }

    [Fact]
    public void DelayFrames_resumes_n_ticks_later_zero_does_not_suspend_negative_is_refused()
    {
        var host = new GameLoopHost();
        var log = new List<string>();
        host.Scheduler.Spawn(async () =>
        {
            await Co.NextFrame(); // tick 1
            log.Add($"start@{host.Frame}");
            await Co.DelayFrames(3);
            log.Add($"after3@{host.Frame}");
            await Co.DelayFrames(0);
            log.Add($"after0@{host.Frame}");
            await Co.NextFrame();
            log.Add($"next@{host.Frame}");
            Assert.Throws<ArgumentOutOfRangeException>(() => Co.DelayFrames(-1));
        });
        host.Scheduler.RunUntilIdle();
        for (int i = 0; i < 3; i++) host.Tick(Frame);
        Assert.Equal(new[] { "start@1" }, log);
        Assert.Equal(1, host.FrameWaiters);
        host.Tick(Frame); // tick 4
        Assert.Equal(new[] { "start@1", "after3@4", "after0@4" }, log);
        Assert.Equal(DrainStatus.Completed, host.Tick(Frame).Status);
        Assert.Equal(new[] { "start@1", "after3@4", "after0@4", "next@5" }, log);
        Assert.Equal(0, host.FrameWaiters);
    }

    [Fact]
    public void Delayed_and_next_frame_waiters_wake_in_arming_order()
    {
        var host = new GameLoopHost();
        var log = new List<string>();
        host.Scheduler.Spawn(async () => { await Co.DelayFrames(3); log.Add("delay3 armed at 0"); });
        host.Scheduler.Spawn(async () => { await Co.DelayFrames(2); log.Add("delay2 armed at 0"); });
        host.Scheduler.RunUntilIdle();
        host.Tick(Frame);
        host.Scheduler.Spawn(async () => { await Co.NextFrame(); log.Add("next armed at 1"); });
        host.Scheduler.Spawn(async () => { await Co.DelayFrames(2); log.Add("delay2 armed at 1"); });
        host.Scheduler.RunUntilIdle();
        host.Tick(Frame); // tick 2: delay2@0, next@1
        host.Tick(Frame); // tick 3: delay3@0, delay2@1 (armed first-come first-served)
        Assert.Equal(new[] { "delay2 armed at 0", "next armed at 1", "delay3 armed at 0", "delay2 armed at 1" }, log);
    }

    [Fact]
    public void A_step_budget_of_n_resumes_at_most_n_coroutines_per_tick_and_the_rest_next_tick()
    {
        var host = new GameLoopHost();
        var ranIn = new List<long>();
        for (int i = 0; i < 10; i++)
            host.Scheduler.Spawn(async () => { await Co.NextFrame(); ranIn.Add(host.Frame); });
        host.Scheduler.RunUntilIdle();
        TickResult t1 = host.Tick(Frame, DrainBudget.Steps(4));
        Assert.Equal(4, t1.Drain.Steps);
        Assert.True(t1.BudgetExhausted);
        Assert.Equal(4, ranIn.Count);
        TickResult t2 = host.Tick(Frame, DrainBudget.Steps(4));
        Assert.Equal(4, t2.Drain.Steps);
        TickResult t3 = host.Tick(Frame, DrainBudget.Steps(4));
        Assert.Equal(2, t3.Drain.Steps);
        Assert.Equal(DrainStatus.Completed, t3.Status);
        Assert.Equal(new long[] { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3 }, ranIn);
    }

    [Fact]
    public void Leftover_work_runs_before_the_next_ticks_frame_waiters()
    {
        var host = new GameLoopHost();
        var log = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            int id = i;
            host.Scheduler.Spawn(async () => { await Co.NextFrame(); log.Add($"w{id}@{host.Frame}"); await Co.NextFrame(); log.Add($"w{id}@{host.Frame}"); });
        }
        host.Scheduler.RunUntilIdle();
        host.Tick(Frame, DrainBudget.Steps(2)); // w0, w1 run; w2 is left over
        host.Tick(Frame, DrainBudget.Steps(10)); // w2 first (left over from tick 1), then w0, w1 (woken for tick 2)
        Assert.Equal(new[] { "w0@1", "w1@1", "w2@2", "w0@2", "w1@2" }, log);
    }

    [Fact]
    public void Host_time_sleeps_follow_scaled_and_paused_time()
    {
        var host = new GameLoopHost();
        long wokeAt = -1;
        host.Scheduler.Spawn(async () => { await Co.Sleep(TimeSpan.FromSeconds(1)); wokeAt = host.Frame; });
        host.Scheduler.RunUntilIdle();
        host.TimeScale = 2.0;
        TickResult t1 = host.Tick(TimeSpan.FromMilliseconds(250)); // game 0.5 s
        Assert.Equal(TimeSpan.FromMilliseconds(500), t1.GameDelta);
        Assert.Equal(TimeSpan.FromSeconds(1), t1.Drain.NextDeadline);
        host.IsPaused = true;
        for (int i = 0; i < 10; i++) host.Tick(TimeSpan.FromSeconds(1)); // frames count, game time frozen
        Assert.Equal(-1, wokeAt);
        Assert.Equal(TimeSpan.FromMilliseconds(500), host.Now);
        Assert.Equal(11, host.Frame);
        host.IsPaused = false;
        host.TimeScale = 0.5;
        host.Tick(TimeSpan.FromMilliseconds(500)); // game 0.75 s
        Assert.Equal(-1, wokeAt);
        TickResult last = host.Tick(TimeSpan.FromMilliseconds(500)); // game 1.0 s: due
        Assert.Equal(13, wokeAt);
        Assert.Equal(DrainStatus.Completed, last.Status);
        Assert.Equal(TimeSpan.FromSeconds(1), last.GameTime);
    }

    [Fact]
    public void A_cancelled_frame_wait_throws_and_leaves_no_waiter_behind()
    {
        var host = new GameLoopHost();
        var outcomes = new List<string>();
        CoroutineHandle next = host.Scheduler.Spawn(async () =>
        {
            try { await Co.NextFrame(); outcomes.Add("next resumed"); }
            catch (CancelledException) { outcomes.Add("next cancelled"); throw; }
        });
        CoroutineHandle delayed = host.Scheduler.Spawn(async () =>
        {
            try { await Co.DelayFrames(5); outcomes.Add("delay resumed"); }
            catch (CancelledException) { outcomes.Add("delay cancelled"); throw; }
        });
        host.Scheduler.RunUntilIdle();
        Assert.Equal(2, host.FrameWaiters);
        Assert.True(host.Scheduler.RunUntilIdle().ExternalWaitsPending); // waiting for a frame is not a deadlock
        next.Cancel();
        delayed.Cancel();
        DrainResult r = host.Scheduler.RunUntilIdle();
        Assert.Equal(new[] { "next cancelled", "delay cancelled" }, outcomes);
        Assert.Equal(0, host.FrameWaiters);
        Assert.False(r.ExternalWaitsPending);
        Assert.Equal(DrainStatus.Completed, host.Tick(Frame).Status);
    }

    [Fact]
    public void Frame_waits_without_a_game_host_throw_a_typed_exception()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        Exception? error = null;
        s.Spawn(async () =>
        {
            try { await Co.NextFrame(); }
            catch (Exception e) { error = e; }
        });
        loop.RunUntilIdle();
        Assert.IsType<FrameHostRequiredException>(error);
        Assert.Contains("GameLoopHost", error!.Message);
        Assert.Throws<InvalidOperationException>(() => Co.NextFrame()); // outside any coroutine
    }

    [Fact]
    public void Tick_refuses_a_negative_delta_and_reentrancy()
    {
        var host = new GameLoopHost();
        Assert.Throws<ArgumentOutOfRangeException>(() => host.Tick(TimeSpan.FromTicks(-1)));
        Assert.Equal(0, host.Frame);
        Exception? inner = null;
        host.Scheduler.Spawn(async () =>
        {
            try { host.Tick(Frame); } catch (Exception e) { inner = e; }
            await Co.Pause();
        });
        host.Tick(Frame);
        Assert.IsType<InvalidOperationException>(inner);
        Assert.Equal(1, host.Frame);
    }

    [Fact]
    public void A_long_step_is_reported_with_the_coroutines_name_and_spawn_site_after_the_drain()
    {
        var host = new GameLoopHost { LongStepThreshold = TimeSpan.FromMilliseconds(1) };
        var reports = new List<LongStep>();
        bool reportedInsideDrain = false;
        host.LongStepReported = step =>
        {
            reportedInsideDrain |= Scheduler.Current is not null;
            reports.Add(step);
        };
        int spawnLine = Line(); host.Scheduler.Spawn(async () =>
        {
            await Co.NextFrame();
            // A step doing 3 ms of CPU work (the subject of the test: a hitch).
            long start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromMilliseconds(3)) { }
        }, name: "pathfinder");
        host.Scheduler.RunUntilIdle();
        TickResult r = host.Tick(Frame);
        LongStep hitch = Assert.Single(reports, s => s.Name == "pathfinder");
        Assert.Equal(1, hitch.Frame);
        Assert.True(hitch.Duration >= TimeSpan.FromMilliseconds(3));
        Assert.Equal(spawnLine, hitch.SpawnLine);
        Assert.StartsWith($"GameLoopHostTests.cs:{spawnLine} in ", hitch.SpawnSite);
        Assert.False(reportedInsideDrain);
        Assert.True(r.LongestStep >= TimeSpan.FromMilliseconds(3));
    }

    private static int Line([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;

    [Fact]
    public void Longest_step_is_null_when_step_timing_is_off()
    {
        var host = new GameLoopHost { MeasureSteps = false };
        host.Scheduler.Spawn(async () => await Co.NextFrame());
        host.Scheduler.RunUntilIdle();
        Assert.Null(host.Tick(Frame).LongestStep);
        Assert.Null(host.Scheduler.StepObserver);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Steady_state_frame_waits_and_ticks_allocate_nothing(bool measureSteps)
    {
        var host = new GameLoopHost { MeasureSteps = measureSteps };
        Func<CoTask> everyFrame = async () => { while (true) await Co.NextFrame(); };
        Func<CoTask> everyThird = async () => { while (true) await Co.DelayFrames(3); };
        for (int i = 0; i < 100; i++) host.Scheduler.SpawnBackground(i % 2 == 0 ? everyFrame : everyThird);
        host.Scheduler.RunUntilIdle();
        for (int i = 0; i < 50; i++) host.Tick(Frame);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 300; i++) host.Tick(Frame);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(100, host.FrameWaiters);
    }

    [Fact]
    public void A_tick_refused_inside_a_drain_changes_nothing()
    {
        // Audit finding B: a Tick from a posted action (no current coroutine) was refused only by the drain, after it
        // had advanced the clock and the frame and released the frame waiters into the wrong drain.
        var host = new GameLoopHost();
        Scheduler s = host.Scheduler;
        long resumedIn = -1;
        s.SpawnBackground(async () => { await Co.NextFrame(); resumedIn = host.Frame; });
        s.RunUntilIdle();
        Exception? refused = null;
        s.Post(() =>
        {
            try { host.Tick(TimeSpan.FromMilliseconds(16)); }
            catch (Exception e) { refused = e; }
        });
        s.RunUntilIdle();
        Assert.IsType<InvalidOperationException>(refused);
        Assert.Equal(0, host.Frame);
        Assert.Equal(TimeSpan.Zero, host.Now);
        Assert.Equal(1, host.FrameWaiters);
        Assert.Equal(1, host.Tick(TimeSpan.FromMilliseconds(16)).Frame);
        Assert.Equal(1, resumedIn);
    }

    [Fact]
    public void Releasing_frame_waiters_raises_no_WorkAvailable_so_a_throwing_handler_cannot_cut_a_frame_short()
    {
        // Audit finding D: each tick after an idle drain raised WorkAvailable at its first frame-waiter wake; a handler
        // that threw there left the frame half released, and every waiter resumed a frame late.
        var host = new GameLoopHost();
        var log = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            int id = i;
            host.Scheduler.SpawnBackground(async () => { await Co.NextFrame(); log.Add($"w{id} in tick {host.Frame}"); });
        }
        host.Scheduler.RunUntilIdle();
        int raised = 0;
        host.Scheduler.WorkAvailable += () => { raised++; throw new InvalidOperationException("handler failed"); };
        host.Tick(TimeSpan.FromMilliseconds(16));
        Assert.Equal(0, raised);
        Assert.Equal(["w0 in tick 1", "w1 in tick 1", "w2 in tick 1"], log);
    }

    [Fact]
    public void Long_step_reports_of_a_tick_whose_drain_throws_are_delivered_by_that_tick()
    {
        // Audit finding C: the reports were flushed only after a drain that returned, so a tick whose drain threw (a
        // posted action's error) delivered them with the next tick, or never.
        var host = new GameLoopHost { LongStepThreshold = TimeSpan.FromMilliseconds(1) };
        var reports = new List<long>();
        host.LongStepReported = step => reports.Add(host.Frame);
        host.Scheduler.SpawnBackground(async () =>
        {
            await Co.NextFrame();
            long start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromMilliseconds(3)) { } // a step well over the threshold
            host.Scheduler.Post(() => throw new FormatException("a posted action failed"));
        }, "pathfinder");
        host.Scheduler.RunUntilIdle();
        Assert.Throws<FormatException>(() => host.Tick(TimeSpan.FromMilliseconds(16)));
        Assert.Equal([1L], reports); // delivered during tick 1
    }
}
