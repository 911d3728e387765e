using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using System.Diagnostics;
using CoSched;
using CoSched.Host;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// Exceptions thrown by user code that CoSched calls: a WorkAvailable handler, a defer, a posted action, the code after
/// a foreign await, a callback registered on Co.CancellationToken, the loop's timer-driven cancels and offloaded work,
/// the hosts' callbacks (a guest run's "run this on your thread" and onDone, a game loop's long-step report).
/// None may corrupt the scheduler; each surfaces where the XML docs say (or, where they say nothing, where the test
/// argues it should). Tests of behaviour that is wrong today are skipped with the reason (docs/reliability.md, "Bugs found").
/// </summary>
public class FaultTests
{
    private sealed class HandlerFault() : Exception("thrown by the WorkAvailable handler");

    private sealed class CallbackFault() : Exception("thrown by a Co.CancellationToken callback");

    private sealed class HostFault() : Exception("thrown by a host callback");

    // ----- WorkAvailable -----

    [Fact]
    public void A_throwing_WorkAvailable_handler_never_fails_a_post_from_another_thread_the_work_runs_once_and_the_next_drain_throws_it()
    {
        var s = new Scheduler();
        int raised = 0, ran = 0;
        Action handler = () =>
        {
            Interlocked.Increment(ref raised);
            throw new HandlerFault();
        };
        s.WorkAvailable += handler;
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status); // idle: armed
        Assert.Null(OnAnotherThread(() => s.Post(() => ran++))); // documented: the poster never sees the host's handler fail
        Assert.Equal(1, raised);
        Assert.Null(OnAnotherThread(() => s.Post(() => ran++))); // the host was not told: the next delivery raises it again
        Assert.Equal(2, raised);
        var both = Assert.Throws<AggregateException>(() => s.RunUntilIdle()); // kept for the scheduler's thread
        Assert.Equal(2, ran); // both posts were queued and ran once, before the drain threw
        Assert.Equal(2, both.InnerExceptions.Count);
        Assert.All(both.InnerExceptions, e => Assert.IsType<HandlerFault>(e));
        Assert.Null(OnAnotherThread(() => s.Post(() => ran++))); // a new idle period raises it again
        Assert.Throws<HandlerFault>(() => s.RunUntilIdle()); // a single one is rethrown as is
        Assert.Equal(3, ran);
        Assert.Equal(3, raised);
        s.WorkAvailable -= handler;
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status); // thrown once: nothing is kept any more
        AssertStillRuns(s);
    }

    [Fact]
    public void A_throwing_WorkAvailable_handler_never_fails_InvokeAsync_from_another_thread_and_the_function_runs_once()
    {
        var s = new Scheduler();
        Action handler = () => throw new HandlerFault();
        s.WorkAvailable += handler;
        s.RunUntilIdle();
        int ran = 0;
        Task<int>? task = null;
        Assert.Null(OnAnotherThread(() => task = s.InvokeAsync(() => ++ran)));
        Assert.NotNull(task); // the caller always gets its task
        Assert.Throws<HandlerFault>(() => s.RunUntilIdle()); // the handler's failure goes to the host
        Assert.Equal(1, ran); // the function was queued and ran once
        Assert.Equal(1, TaskResults.Completed(task!));
        s.WorkAvailable -= handler;
        AssertStillRuns(s);
    }

    [Fact]
    public void A_throwing_WorkAvailable_handler_raised_by_a_synchronization_context_post_from_another_thread_stays_off_that_thread()
    {
        // What an async Task helper's continuation does when the awaited task completes on the thread pool.
        var s = new Scheduler();
        SynchronizationContext? context = null;
        s.Spawn(async () =>
        {
            context = SynchronizationContext.Current;
            await Co.Pause();
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        s.WorkAvailable += () => throw new HandlerFault();
        int ran = 0;
        Assert.Null(OnAnotherThread(() => context!.Post(_ => ran++, null)));
        Assert.Throws<HandlerFault>(() => s.RunUntilIdle());
        Assert.Equal(1, ran);
    }

    [Fact]
    public void A_WorkAvailable_handler_that_failed_on_another_thread_is_raised_again_by_the_next_delivery()
    {
        // The scheduler must not stay disarmed after a handler that could not tell the host: the work is queued, and
        // the next delivery raises the event again (here the handler then gets through and the host drains).
        var s = new Scheduler();
        var io = new ManualForeignOperation<int>();
        int result = 0;
        s.Spawn(async () => result = await io);
        Assert.Equal(DrainStatus.Idle, s.RunUntilIdle().Status);
        int calls = 0;
        using var hostWoken = new ManualResetEventSlim();
        s.WorkAvailable += () =>
        {
            if (Interlocked.Increment(ref calls) == 1) throw new HandlerFault(); // a transient failure
            hostWoken.Set();
        };
        Assert.Null(io.CompleteOnNewThread(7));
        Assert.False(hostWoken.IsSet);
        Assert.Null(OnAnotherThread(() => s.Post(() => { })));
        Assert.True(hostWoken.IsSet);
        Assert.Equal(2, calls);
        Assert.Throws<HandlerFault>(() => s.RunUntilIdle()); // the first raise's failure, after the work ran
        Assert.Equal(7, result);
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
    }

    [Fact]
    public void A_throwing_WorkAvailable_handler_raised_by_a_host_side_wake_loses_nothing()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Unbounded(s);
        var cond = new CoCondition(s);
        int got = -1;
        bool woken = false;
        s.Spawn(async () => got = await q.Get());
        s.Spawn(async () =>
        {
            await cond.Wait();
            woken = true;
        });
        Assert.Equal(DrainStatus.Deadlock, s.RunUntilIdle().Status);
        Action handler = () => throw new HandlerFault();
        s.WorkAvailable += handler;
        Assert.Throws<HandlerFault>(() => q.TryPut(5)); // the wake of the reader raised it; the item was handed over
        Assert.True(cond.Signal()); // same idle period: not raised twice
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(5, got);
        Assert.True(woken);
        Assert.Equal(0, q.Count);
        s.WorkAvailable -= handler;
        AssertStillRuns(s);
    }

    [Fact]
    public void A_throwing_WorkAvailable_handler_raised_by_a_host_cancel_still_cancels_the_coroutine()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        CoroutineHandle h = s.Spawn(async () => await cond.Wait());
        s.RunUntilIdle();
        Action handler = () => throw new HandlerFault();
        s.WorkAvailable += handler;
        Assert.Throws<HandlerFault>(() => h.Cancel());
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(CoroutineState.Cancelled, h.State);
        Assert.Equal(0, cond.WaiterCount);
        s.WorkAvailable -= handler;
        AssertStillRuns(s);
    }

    /// <summary>Was a bug found by this suite (the token was skipped); fixed: DeliverCancel cancels the token in a finally.</summary>
    [Fact]
    public void A_throwing_WorkAvailable_handler_raised_by_a_host_cancel_still_cancels_the_coroutines_token()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        CancellationToken token = default;
        CoroutineHandle h = s.Spawn(async () =>
        {
            token = Co.CancellationToken;
            await cond.Wait();
        });
        s.RunUntilIdle();
        s.WorkAvailable += () => throw new HandlerFault();
        Assert.Throws<HandlerFault>(() => h.Cancel());
        Assert.True(token.IsCancellationRequested, ".NET IO observing Co.CancellationToken would never see the cancel");
        s.RunUntilIdle();
        Assert.Equal(CoroutineState.Cancelled, h.State);
    }

    /// <summary>
    /// Was a bug found by this suite (the exception reached the completing thread, on the thread pool it ended the
    /// process); fixed: on another thread the scheduler keeps the handler's exception and the next drain throws it.
    /// </summary>
    [Fact]
    public void A_throwing_WorkAvailable_handler_never_reaches_the_thread_that_completes_a_foreign_operation()
    {
        var s = new Scheduler();
        Action handler = () => throw new HandlerFault();
        s.WorkAvailable += handler;
        var io = new ManualForeignOperation<int>();
        int result = 0;
        s.Spawn(async () => result = await io);
        Assert.Equal(DrainStatus.Idle, s.RunUntilIdle().Status);
        Exception? escaped = io.CompleteOnNewThread(42);
        Assert.Null(escaped); // on the thread pool this exception would crash the process
        Assert.Throws<HandlerFault>(() => s.RunUntilIdle()); // documented: kept and thrown by the next drain, after its work
        Assert.Equal(42, result);
        s.WorkAvailable -= handler;
        AssertStillRuns(s);
    }

    [Fact]
    public void A_throwing_WorkAvailable_handler_on_another_thread_does_not_keep_the_other_handlers_from_waking_the_host()
    {
        var s = new Scheduler();
        s.RunUntilIdle();
        using var hostWoken = new ManualResetEventSlim();
        s.WorkAvailable += () => throw new HandlerFault(); // the user's handler, subscribed first
        s.WorkAvailable += hostWoken.Set;                  // the host's wake-up (a native loop's, a guest run's)
        int ran = 0;
        Assert.Null(OnAnotherThread(() => s.Post(() => ran++)));
        Assert.True(hostWoken.IsSet);
        Assert.Throws<HandlerFault>(() => s.RunUntilIdle());
        Assert.Equal(1, ran);
    }

    [Fact]
    public void A_foreign_completion_with_a_quiet_handler_resumes_the_coroutine_on_the_scheduler_thread()
    {
        // The neighbour of the test above: the same completion path, with a handler that does not throw.
        var s = new Scheduler();
        int raised = 0;
        s.WorkAvailable += () => Interlocked.Increment(ref raised);
        var io = new ManualForeignOperation<int>();
        int result = 0, thread = 0;
        s.Spawn(async () =>
        {
            result = await io;
            thread = Environment.CurrentManagedThreadId;
        });
        Assert.Equal(DrainStatus.Idle, s.RunUntilIdle().Status);
        Assert.Null(io.CompleteOnNewThread(42));
        Assert.Equal(1, raised);
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(42, result);
        Assert.Equal(Environment.CurrentManagedThreadId, thread);
    }

    // ----- defers -----

    [Fact]
    public void Throwing_defers_all_run_LIFO_the_first_real_error_wins_and_pooled_group_records_stay_sound()
    {
        var s = new Scheduler();
        var ran = new List<string>();
        Exception? succeededBody = null, failedBody = null;
        var c = new InvalidDataException("defer c");
        var child = new FormatException("child");
        s.Spawn(async () =>
        {
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.AddDefer(() => { ran.Add("a"); throw new InvalidDataException("defer a"); });
                    g.AddDefer(async () => { ran.Add("b"); await Co.Pause(); throw new InvalidDataException("defer b"); });
                    g.AddDefer(() => ran.Add("ok"));
                    g.AddDefer(() => { ran.Add("c"); throw c; });
                    await Co.Pause();
                });
            }
            catch (Exception e)
            {
                succeededBody = e;
            }
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.AddDefer(() => { ran.Add("d"); throw new InvalidDataException("defer d"); });
                    g.Spawn(async () =>
                    {
                        await Co.Pause();
                        throw child;
                    });
                    await Co.Pause();
                });
            }
            catch (Exception e)
            {
                failedBody = e;
            }
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { "c", "ok", "b", "a", "d" }, ran); // every defer ran once, last added first
        Assert.Same(c, succeededBody); // a defer's error replaces a success; later defer errors do not replace it
        Assert.Same(child, failedBody); // and never replaces a child's failure
        // The group and coroutine records that went through those failures are pooled: reuse them many times.
        int groups = 0;
        s.Spawn(async () =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.AddDefer(() => groups++);
                    CoroutineHandle<int> h = g.Spawn(async () =>
                    {
                        await Co.Pause();
                        return 1;
                    });
                    Assert.Equal(1, await h.Wait());
                });
            }
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(1_000, groups);
        AssertStillRuns(s);
    }

    // ----- posted actions -----

    [Fact]
    public void Throwing_posted_actions_all_run_surface_together_after_the_drain_and_coroutines_keep_running()
    {
        var s = new Scheduler();
        var log = new List<string>();
        s.Spawn(async () =>
        {
            for (int i = 0; i < 3; i++)
            {
                log.Add("co" + i);
                await Co.Pause();
            }
        });
        s.Post(() => throw new InvalidDataException("first"));
        s.Post(() => log.Add("post"));
        s.Post(() => throw new FormatException("second"));
        Task<int> invoked = s.InvokeAsync<int>(() => throw new ArithmeticException("in InvokeAsync"));
        var aggregate = Assert.Throws<AggregateException>(() => s.RunUntilIdle());
        Assert.Collection(aggregate.InnerExceptions,
            e => Assert.IsType<InvalidDataException>(e),
            e => Assert.IsType<FormatException>(e)); // InvokeAsync's exception goes to its task, not to the host
        Assert.IsType<ArithmeticException>(invoked.Exception?.InnerException);
        Assert.Equal(new[] { "post", "co0", "co1", "co2" }, log); // the drain went on after the batch
        // An exception escaping a SynchronizationContext callback (async void code on the scheduler thread) surfaces alike.
        s.Spawn(async () =>
        {
            SynchronizationContext.Current!.Post(_ => throw new InvalidDataException("sync context callback"), null);
            await Co.Pause();
            log.Add("after");
        });
        Assert.Throws<InvalidDataException>(() => s.RunUntilIdle());
        Assert.Equal("after", log[^1]);
        AssertStillRuns(s);
    }

    // ----- foreign continuations -----

    [Fact]
    public void A_coroutine_throwing_after_a_foreign_await_fails_alone_and_its_group_reports_it()
    {
        var s = new Scheduler();
        var io = new ManualForeignOperation<int>();
        var boom = new InvalidDataException("after the foreign await");
        Exception? groupError = null, helperError = null;
        int pauses = 0;
        s.Spawn(async () =>
        {
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.Spawn(async () =>
                    {
                        int n = await io;
                        if (n == 1) throw boom;
                    });
                    g.Spawn(async () =>
                    {
                        while (true)
                        {
                            pauses++;
                            await Co.Pause(); // cancelled by the sibling's failure
                        }
                    });
                    try
                    {
                        await FailingHelper(); // plain async Task code: its continuation runs through the sync context
                    }
                    catch (Exception e)
                    {
                        helperError = e;
                    }
                });
            }
            catch (Exception e)
            {
                groupError = e;
            }
        });
        s.RunUntilIdle(DrainBudget.Steps(50));
        Assert.Null(io.CompleteOnNewThread(1)); // the completing thread never sees the coroutine's exception
        using var host = new TestHost(s);
        Assert.Equal(DrainStatus.Completed, host.DriveToCompletion().Status);
        Assert.Same(boom, groupError);
        Assert.IsType<FormatException>(helperError);
        Assert.True(pauses > 1);
        AssertStillRuns(s);

        static async Task FailingHelper()
        {
            await Task.Yield();
            throw new FormatException("in an async Task helper, after its own await");
        }
    }

    // ----- Co.CancellationToken callbacks -----

    [Fact]
    public void A_throwing_token_callback_fails_the_hosts_Cancel_call_but_the_coroutine_is_cancelled_and_ends()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        CoroutineHandle h = s.Spawn(async () =>
        {
            Co.CancellationToken.Register(() => throw new CallbackFault());
            await cond.Wait();
        });
        s.RunUntilIdle();
        // Like CancellationTokenSource.Cancel: the callbacks' exceptions reach the caller of Cancel, wrapped.
        var e = Assert.Throws<AggregateException>(() => h.Cancel());
        Assert.IsType<CallbackFault>(Assert.Single(e.InnerExceptions));
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(CoroutineState.Cancelled, h.State);
        AssertStillRuns(s);
    }

    /// <summary>
    /// Was a bug found by this suite (the callback's exception escaped TaskGroupCore.CancelAll: the later siblings were
    /// never cancelled and the group never ended); fixed: a cancel never throws through its bookkeeping, the group marks
    /// and wakes every child before it runs their token callbacks, and the callbacks' exceptions surface from the drain.
    /// </summary>
    [Fact]
    public void A_throwing_token_callback_of_one_child_does_not_stop_its_group_from_cancelling_the_others()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        var first = new InvalidDataException("first failure");
        int ended = 0;
        Exception? groupError = null;
        s.Spawn(async () =>
        {
            try
            {
                await Co.WithTaskGroup(async g =>
                {
                    g.Spawn(async () =>
                    {
                        try
                        {
                            Co.CancellationToken.Register(() => throw new CallbackFault());
                            await cond.Wait();
                        }
                        finally { ended++; }
                    });
                    for (int i = 0; i < 2; i++)
                    {
                        g.Spawn(async () =>
                        {
                            try { await cond.Wait(); }
                            finally { ended++; }
                        });
                    }
                    await Co.Pause();
                    throw first;
                });
            }
            catch (Exception e)
            {
                groupError = e;
            }
        });
        // Documented: the cascade started inside the drain, so the drain throws the callback's error after its work.
        var e = Assert.Throws<AggregateException>(() => s.RunUntilIdle());
        Assert.IsType<CallbackFault>(Assert.Single(e.InnerExceptions));
        Assert.Equal(3, ended);
        Assert.Same(first, groupError); // the callback's error is not a failure of the group
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        AssertStillRuns(s);
    }

    [Fact]
    public void A_hosts_cancel_reaches_every_child_of_a_group_before_any_token_callback_and_throws_their_errors_together()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        int ended = 0, waitersSeenByCallback = -1;
        CoroutineHandle h = s.Spawn(async () => await Co.WithTaskGroup(async g =>
        {
            for (int i = 0; i < 3; i++)
            {
                int n = i;
                g.Spawn(async () =>
                {
                    try
                    {
                        if (n == 0) Co.CancellationToken.Register(() => waitersSeenByCallback = cond.WaiterCount);
                        if (n != 1) Co.CancellationToken.Register(() => throw new CallbackFault());
                        await cond.Wait();
                    }
                    finally { ended++; }
                });
            }
            await cond.Wait();
        }));
        Assert.Equal(DrainStatus.Deadlock, s.RunUntilIdle().Status);
        Assert.Equal(4, cond.WaiterCount);
        var e = Assert.Throws<AggregateException>(() => h.Cancel()); // like CancellationTokenSource.Cancel: after all ran
        Assert.Equal(2, e.InnerExceptions.Count);
        Assert.All(e.InnerExceptions, x => Assert.IsType<CallbackFault>(x));
        Assert.Equal(0, waitersSeenByCallback); // every child (and the body) was taken off its wait first
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status); // nothing left over for the drain
        Assert.Equal(3, ended);
        Assert.Equal(CoroutineState.Cancelled, h.State);
        AssertStillRuns(s);
    }

    [Fact]
    public void A_throwing_token_callback_run_when_a_shield_drops_surfaces_from_the_drain_and_the_coroutine_is_cancelled()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        bool protectedPartReturned = false;
        CoroutineHandle h = s.Spawn(async () =>
        {
            Co.CancellationToken.Register(() => throw new CallbackFault());
            await Co.ProtectFromCancel(async () => await cond.Wait());
            protectedPartReturned = true;
            await Co.Pause(); // the first suspension after the shield throws CancelledException
        });
        s.RunUntilIdle();
        h.Cancel(); // shielded: delivered when the shield drops, inside the coroutine's step
        Assert.True(cond.Signal());
        var e = Assert.Throws<AggregateException>(() => s.RunUntilIdle());
        Assert.IsType<CallbackFault>(Assert.Single(e.InnerExceptions));
        Assert.True(protectedPartReturned); // the coroutine itself is not handed the callback's error
        Assert.Equal(CoroutineState.Cancelled, h.State);
        AssertStillRuns(s);
    }

    [Fact]
    public void A_throwing_token_callback_run_by_a_timeout_surfaces_from_the_drain_and_loses_no_timer()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var outcomes = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            bool throwing = i == 0;
            s.Spawn(async () =>
            {
                try
                {
                    await Co.WithTimeout(TimeSpan.FromSeconds(1), async () =>
                    {
                        if (throwing) Co.CancellationToken.Register(() => throw new CallbackFault());
                        await Co.Sleep(TimeSpan.FromSeconds(5));
                    });
                    outcomes.Add("returned");
                }
                catch (Exception e)
                {
                    outcomes.Add(e.GetType().Name);
                }
            });
        }
        // Both timeouts are due at 1 s. The first one's cancel runs the throwing callback inside the drain; the drain fires
        // the other one too, runs everything to the end, then throws.
        var e = Assert.Throws<AggregateException>(() => loop.RunUntilIdle());
        Assert.IsType<CallbackFault>(Assert.Single(e.InnerExceptions));
        Assert.Equal(new[] { "TimeoutException", "TimeoutException" }, outcomes);
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(TimeSpan.FromSeconds(1), loop.Now); // the 5 s sleeps were cancelled, not waited for
        Assert.Equal(0, loop.PendingTimerCount);
        AssertStillRuns(s);
    }

    [Fact]
    public void A_throwing_callback_on_offloaded_works_token_fails_the_Cancel_call_but_the_work_stops_and_the_caller_ends()
    {
        var s = new Scheduler();
        _ = new VirtualEventLoop(s);
        using var started = new ManualResetEventSlim();
        bool sawCancel = false;
        CoroutineHandle h = s.Spawn(async () => await Co.RunBlocking(ct =>
        {
            ct.Register(() => throw new CallbackFault());
            started.Set();
            sawCancel = ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)); // blocks until the token is cancelled
        }));
        s.RunUntilIdle();
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        var e = Assert.Throws<AggregateException>(() => h.Cancel());
        Assert.IsType<CallbackFault>(Assert.Single(e.InnerExceptions));
        using var host = new TestHost(s);
        Assert.Equal(DrainStatus.Completed, host.DriveToCompletion().Status);
        Assert.True(sawCancel);
        Assert.Equal(CoroutineState.Cancelled, h.State);
        AssertStillRuns(s);
    }

    [Fact]
    public void Offloaded_work_that_throws_fails_only_its_caller()
    {
        var s = new Scheduler();
        _ = new VirtualEventLoop(s);
        var boom = new InvalidDataException("offloaded");
        Exception? seen = null;
        int others = 0;
        s.Spawn(async () =>
        {
            try { await Co.RunBlocking(() => throw boom); }
            catch (Exception e) { seen = e; }
        });
        s.Spawn(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                others++;
                await Co.Pause();
            }
        });
        using var host = new TestHost(s);
        Assert.Equal(DrainStatus.Completed, host.DriveToCompletion().Status);
        Assert.Same(boom, seen);
        Assert.Equal(10, others);
        AssertStillRuns(s);
    }

    // ----- host callbacks -----

    [Fact]
    public void A_throwing_long_step_report_surfaces_from_Tick_and_the_next_ticks_run_and_report_again()
    {
        var host = new GameLoopHost { LongStepThreshold = TimeSpan.FromMilliseconds(1) };
        int reports = 0, frames = 0;
        host.LongStepReported = _ =>
        {
            reports++;
            throw new HostFault();
        };
        host.Scheduler.Spawn(async () =>
        {
            for (int i = 0; i < 3; i++)
            {
                await Co.NextFrame();
                frames++;
                Spin(TimeSpan.FromMilliseconds(2)); // a hitch: CPU work in one step
            }
        }, "hitchy");
        host.Scheduler.RunUntilIdle();
        TimeSpan frame = TimeSpan.FromMilliseconds(16);
        Assert.Throws<HostFault>(() => host.Tick(frame)); // documented: propagates from Tick, after the drain
        Assert.Equal(1, host.Frame);
        Assert.Equal(1, frames);
        Assert.Throws<HostFault>(() => host.Tick(frame));
        Assert.Equal(2, frames);
        host.LongStepReported = null;
        TickResult r = host.Tick(frame);
        Assert.Equal(3, frames);
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(2, reports);
        AssertStillRuns(host.Scheduler);
    }

    /// <summary>
    /// Was a gap found by this suite (Flush cleared the batch, then stopped at the first throwing report); fixed: every
    /// report runs, then the exceptions are rethrown together.
    /// </summary>
    [Fact]
    public void Every_long_step_of_a_tick_is_reported_even_when_the_report_throws_for_an_earlier_one()
    {
        var host = new GameLoopHost { LongStepThreshold = TimeSpan.FromMilliseconds(1) };
        var reported = new List<string>();
        host.LongStepReported = step =>
        {
            reported.Add(step.Name);
            throw new HostFault();
        };
        foreach (string name in new[] { "first", "second" })
        {
            host.Scheduler.Spawn(async () =>
            {
                await Co.NextFrame();
                Spin(TimeSpan.FromMilliseconds(2));
            }, name);
        }
        host.Scheduler.RunUntilIdle();
        var e = Assert.Throws<AggregateException>(() => host.Tick(TimeSpan.FromMilliseconds(16))); // documented: several
        Assert.Equal(new[] { "first", "second" }, reported);
        Assert.Equal(2, e.InnerExceptions.Count);
        Assert.All(e.InnerExceptions, x => Assert.IsType<HostFault>(x));
        reported.Clear();
        host.LongStepReported = step => reported.Add(step.Name);
        Assert.Equal(DrainStatus.Completed, host.Tick(TimeSpan.FromMilliseconds(16)).Status); // nothing left over
        Assert.Empty(reported);
    }

    [Fact]
    public void A_guest_runs_failing_host_callbacks_surface_to_the_host_at_the_start_and_in_onDone()
    {
        // "Run this on your thread" failing at once: StartGuestRun throws it to the host.
        Assert.Throws<HostFault>(() => CoRun.StartGuestRun(async () => await Co.Pause(), _ => throw new HostFault(), _ => { }));
        // onDone failing: it runs in a drain callback on the host thread, so the host's own loop sees the exception.
        var pump = new TestMessagePump();
        bool mainRan = false;
        GuestRun run = CoRun.StartGuestRun(async () =>
        {
            await Co.Pause();
            mainRan = true;
        }, pump.Post, _ => throw new HostFault());
        Assert.Throws<HostFault>(() => pump.RunUntil(() => run.IsDone));
        Assert.True(mainRan);
        Assert.True(run.IsDone);
        AssertStillRuns(run.Scheduler);
    }

    /// <summary>
    /// Was a bug found by this suite (the exception reached the completing thread, and the run's drain-posted flag stayed
    /// set with WorkAvailable disarmed: it never drained again); fixed in GuestRun.RequestDrain.
    /// </summary>
    [Fact]
    public void A_guest_run_survives_a_host_callback_that_fails_once_on_a_foreign_completion()
    {
        var pump = new TestMessagePump();
        int calls = 0;
        Action<Action> runOnHostThread = drain =>
        {
            if (Interlocked.Increment(ref calls) == 2) throw new HostFault(); // the request made by the completion
            pump.Post(drain);
        };
        var io = new ManualForeignOperation<int>();
        GuestOutcome<int>? outcome = null;
        // An unlimited drain budget: the callbacks are counted, and a time-sliced drain cut short by a preempted thread
        // (the default 8 ms slice, on a loaded machine) would ask for one more.
        GuestRun run = CoRun.StartGuestRun(async () => await io, runOnHostThread, o => outcome = o, DrainBudget.Unlimited);
        pump.RunUntil(() => run.Drains == 1); // main parks on the foreign operation
        Assert.Null(io.CompleteOnNewThread(5)); // on the thread pool this exception would end the process
        run.Scheduler.Post(() => { }); // any later request must get a drain posted again
        // Documented: the next drain callback runs its drain (here main ends and onDone runs), then throws the kept
        // exception to the host's message loop.
        Assert.Throws<HostFault>(() => pump.RunUntil(() => outcome is not null));
        Assert.Equal(5, outcome!.Value.Result);
        Assert.True(run.IsDone);
        Assert.Equal(3, calls);
    }

    [Fact]
    public void A_guest_runs_host_callback_failing_on_the_host_thread_fails_that_call_and_the_next_request_posts_again()
    {
        var pump = new TestMessagePump();
        int calls = 0;
        Action<Action> runOnHostThread = drain =>
        {
            if (++calls == 2) throw new HostFault(); // the request made by the TryPut below
            pump.Post(drain);
        };
        GuestOutcome<int>? outcome = null;
        CoQueue<int>? queue = null;
        // An unlimited drain budget: the callbacks are counted (see the test above).
        GuestRun run = CoRun.StartGuestRun(async () => await queue!.Get() + await queue!.Get(), runOnHostThread, o => outcome = o,
                                           DrainBudget.Unlimited);
        queue = CoQueue<int>.Unbounded(run.Scheduler);
        using IDisposable feeding = run.Scheduler.AcquireFeederLease(); // the host feeds the queue: idle, not deadlocked
        pump.RunUntil(() => run.Drains == 1); // main waits for an item
        Assert.Throws<HostFault>(() => queue.TryPut(1)); // the host's own call sees it; the item was handed over
        run.Scheduler.Post(() => queue.TryPut(2)); // the next request posts a drain again
        pump.RunUntil(() => outcome is not null);
        Assert.Equal(3, outcome!.Value.Result);
        Assert.Equal(3, calls);
    }

    // ----- helpers -----

    /// <summary>CPU work for <paramref name="duration"/> (a long step is the subject: a hitch, not a sleep).</summary>
    private static void Spin(TimeSpan duration)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < duration) { }
    }


    /// <summary>The scheduler still runs new work: a coroutine that pauses, uses a queue and a nested group completes.</summary>
    private static void AssertStillRuns(Scheduler s)
    {
        int done = 0;
        var q = CoQueue<int>.Unbounded(s);
        s.Spawn(async () =>
        {
            await Co.Pause();
            await Co.WithTaskGroup(async g =>
            {
                g.Spawn(async () => await q.Put(1));
                done += await q.Get();
            });
        });
        DrainResult r = s.RunUntilIdle();
        Assert.True(r.Status == DrainStatus.Completed && done == 1, $"the scheduler did not run new work: {r}");
    }

    private static Exception? OnAnotherThread(Action action)
    {
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { action(); }
            catch (Exception e) { error = e; }
        });
        t.Start();
        t.Join();
        return error;
    }
}
