using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using CoSched.Host;
using Xunit;

namespace CoSched.Tests;

public class GuestRunTests
{
    [Fact]
    public void A_100ms_sleep_completes_after_the_clock_passes_it_without_the_pump_polling()
    {
        // Warm-up (tests run without tiered compilation: a first drain includes JIT time, not CoSched's behaviour).
        var warmPump = new TestMessagePump();
        GuestOutcome<TimeSpan>? warm = null;
        CoRun.StartGuestRun(async () => { await Co.Sleep(TimeSpan.FromMilliseconds(1)); return TimeSpan.Zero; }, warmPump.Post, o => warm = o);
        warmPump.RunUntil(() => warm is not null);

        var pump = new TestMessagePump();
        GuestOutcome<TimeSpan>? outcome = null;
        GuestRun? run = null;
        run = CoRun.StartGuestRun(async () =>
        {
            TimeSpan start = run!.Now;
            await Co.Sleep(TimeSpan.FromMilliseconds(100));
            return run.Now - start;
        }, pump.Post, o => outcome = o);
        Assert.Equal(0, run.Drains); // nothing runs before the first callback
        pump.RunUntil(() => outcome is not null);
        Assert.True(outcome!.Value.Succeeded);
        Assert.True(outcome.Value.Result >= TimeSpan.FromMilliseconds(100), outcome.Value.ToString());
        // The first drain parks main on the timer; the helper thread posts one drain when the deadline passes. Nothing
        // polled the pump meanwhile: every message it ran was a drain, and there were only those two (a third at most,
        // if the alarm woke a hair early by the clock's rounding).
        Assert.InRange(run.Drains, 2, 3);
        Assert.Equal(run.Drains, pump.Processed);
        // The pump thread never blocked for the sleep: each message was one short drain.
        Assert.True(pump.LongestMessage < TimeSpan.FromMilliseconds(50), pump.LongestMessage.ToString());
        Assert.True(run.IsDone);
    }

    [Fact]
    public void Drains_are_one_callback_each_and_the_hosts_own_messages_run_in_between()
    {
        var pump = new TestMessagePump();
        var order = new List<string>();
        int exchanged = -1;
        GuestRun run = CoRun.StartGuestRun(async () =>
        {
            // Two coroutines exchange 200 messages: many steps, far more than one drain's budget of 10.
            var ping = CoQueue<int>.Unbounded();
            var pong = CoQueue<int>.Unbounded();
            CoroutineHandle echo = Scheduler.Current!.Spawn(async () =>
            {
                for (int i = 0; i < 200; i++) await pong.Put(await ping.Get());
            });
            int sum = 0;
            for (int i = 0; i < 200; i++)
            {
                await ping.Put(i);
                sum += await pong.Get();
            }
            await echo.Wait();
            return sum;
        }, pump.Post, o => exchanged = o.GetResultOrThrow(), DrainBudget.Steps(10));
        // The host's own "repaint" message re-posts itself while the run lasts, like a UI's render loop.
        void Repaint()
        {
            order.Add("ui");
            if (!run.IsDone) pump.Post(Repaint);
        }
        pump.Post(Repaint);
        int lastDrains = 0;
        pump.RunUntil(() =>
        {
            if (run.Drains != lastDrains) { order.Add("drain"); lastDrains = run.Drains; }
            return exchanged >= 0;
        });
        Assert.Equal(199 * 200 / 2, exchanged);
        Assert.True(run.Drains > 20, $"{run.Drains} drains"); // the work was split into budgeted drains
        // Never two drains without a host message in between: the host stayed responsive throughout.
        for (int i = 1; i < order.Count; i++)
            Assert.False(order[i] == "drain" && order[i - 1] == "drain", $"two drains in a row at {i}");
    }

    [Fact]
    public void OnDone_receives_the_exception_of_a_failing_main()
    {
        var pump = new TestMessagePump();
        Exception? error = null;
        bool done = false;
        CoRun.StartGuestRun(async () =>
        {
            await Co.Sleep(TimeSpan.Zero);
            throw new InvalidOperationException("boom");
        }, pump.Post, e => { error = e; done = true; });
        pump.RunUntil(() => done);
        Assert.Equal("boom", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void OnDone_receives_a_result_or_an_exception_through_the_generic_overload()
    {
        var pump = new TestMessagePump();
        GuestOutcome<int>? ok = null, failed = null;
        CoRun.StartGuestRun(async () => { await Co.Pause(); return 42; }, pump.Post, o => ok = o);
        CoRun.StartGuestRun<int>(async () => { await Co.Pause(); throw new FormatException("bad"); }, pump.Post, o => failed = o);
        pump.RunUntil(() => ok is not null && failed is not null);
        Assert.Equal(42, ok!.Value.GetResultOrThrow());
        Assert.False(failed!.Value.Succeeded);
        Assert.IsType<FormatException>(failed.Value.Exception);
        Assert.Throws<FormatException>(() => failed.Value.GetResultOrThrow());
    }

    [Fact]
    public void The_synchronization_context_overload_posts_each_drain_through_ctx_Post()
    {
        var pump = new TestMessagePump();
        var ctx = new PumpSynchronizationContext(pump);
        GuestOutcome<string>? outcome = null;
        GuestRun run = CoRun.StartGuestRun(async () =>
        {
            await Co.Sleep(TimeSpan.FromMilliseconds(5));
            return "done";
        }, ctx, o => outcome = o);
        pump.RunUntil(() => outcome is not null);
        Assert.Equal("done", outcome!.Value.Result);
        Assert.Equal(run.Drains, ctx.Posts);
        Assert.True(ctx.Posts >= 2);
    }

    [Fact]
    public void A_foreign_completion_on_another_thread_posts_the_next_drain()
    {
        var pump = new TestMessagePump();
        GuestOutcome<int>? outcome = null;
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        CoRun.StartGuestRun(async () => await gate.Task + 1, pump.Post, o => outcome = o);
        pump.RunUntil(() => pump.Processed == 1); // main is now waiting on the foreign task
        Task.Run(() => gate.SetResult(6));
        pump.RunUntil(() => outcome is not null);
        Assert.Equal(7, outcome!.Value.GetResultOrThrow());
    }

    [Fact]
    public void A_deadlocked_run_reports_a_DeadlockException_to_onDone()
    {
        var pump = new TestMessagePump();
        Exception? error = null;
        bool done = false;
        GuestRun run = CoRun.StartGuestRun(async () => await CoQueue<int>.Unbounded().Get(), pump.Post, e => { error = e; done = true; });
        pump.RunUntil(() => done);
        Assert.Contains("main", Assert.IsType<DeadlockException>(error).Message);
        Assert.True(run.IsDone);
    }

    [Fact]
    public void Cancel_ends_main_with_a_CancelledException()
    {
        var pump = new TestMessagePump();
        Exception? error = null;
        bool done = false;
        GuestRun run = CoRun.StartGuestRun(async () => await Co.Sleep(TimeSpan.FromHours(1)), pump.Post, e => { error = e; done = true; });
        pump.RunUntil(() => run.Drains == 1);
        run.Cancel();
        pump.RunUntil(() => done);
        Assert.IsType<CancelledException>(error);
        Exception? fromOtherThread = null;
        var other = new System.Threading.Thread(() => { try { run.Cancel(); } catch (Exception e) { fromOtherThread = e; } });
        other.Start();
        other.Join();
        Assert.IsType<WrongThreadException>(fromOtherThread);
    }

    [Fact]
    public void A_timer_rearmed_earlier_from_the_host_thread_gets_a_drain_without_waiting_for_the_old_deadline()
    {
        // Audit finding G: a timer armed outside any drain told nobody, so the guest alarm kept the old (1 h) deadline
        // and the waiter waited for it. Now arming a timer from the host raises WorkAvailable like a post.
        var pump = new TestMessagePump();
        CoTimer? timer = null;
        bool? fired = null;
        GuestRun run = CoRun.StartGuestRun(async () =>
        {
            timer = new CoTimer(TimeSpan.FromHours(1));
            fired = await timer.Wait();
        }, pump.Post, _ => { });
        pump.RunUntil(() => timer is not null && pump.Pending == 0); // the first drain: main waits on the timer
        timer!.Reset(TimeSpan.Zero); // from the host thread, between drains
        Assert.Equal(1, pump.Pending); // a drain was requested at once
        pump.RunUntil(() => run.IsDone);
        Assert.True(fired);
    }

    [Fact]
    public void A_timer_armed_from_the_host_raises_WorkAvailable_once_and_the_next_drain_reports_its_deadline()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var timer = new CoTimer(s, TimeSpan.FromHours(1));
        s.Spawn(async () => await timer.Wait());
        int raised = 0;
        s.WorkAvailable += () => raised++;
        Assert.Equal(TimeSpan.FromHours(1), s.RunUntilIdle().NextDeadline);
        timer.Reset(TimeSpan.FromSeconds(1));
        timer.Reset(TimeSpan.FromSeconds(2)); // once per idle period, as for posts
        Assert.Equal(1, raised);
        Assert.Equal(TimeSpan.FromSeconds(2), s.RunUntilIdle().NextDeadline);
    }
}
