using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace CoSched.Tests;

public class TimeoutTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public void Body_finishing_in_time_returns_its_result_and_disarms_the_timer()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        CoroutineHandle<int> h = s.RunAsyncMain(async () =>
            await Co.WithTimeout(OneSecond, async () => { await Co.Sleep(TimeSpan.FromMilliseconds(300)); return 42; }));
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.True(h.TryGetResult(out int v));
        Assert.Equal(42, v);
        Assert.Equal(TimeSpan.FromMilliseconds(300), loop.Now); // the 1 s timer was removed, never jumped to
        Assert.Equal(0, loop.PendingTimerCount);
    }

    [Fact]
    public void Timeout_cancels_the_body_waits_for_it_to_end_then_throws_TimeoutException()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var log = new List<string>();
        s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTimeout(OneSecond, async () =>
                {
                    try { await Co.Sleep(TimeSpan.FromHours(1)); }
                    catch (CancelledException) { log.Add($"body cancelled@{loop.Now.TotalSeconds}"); throw; }
                    finally
                    {
                        // Cleanup that itself suspends: the caller must not resume before it is done.
                        await Co.ProtectFromCancel(async () => await Co.Sleep(TimeSpan.FromMilliseconds(500)));
                        log.Add($"body finally done@{loop.Now.TotalSeconds}");
                    }
                });
            }
            catch (TimeoutException e)
            {
                log.Add($"timeout@{loop.Now.TotalSeconds}");
                Assert.Contains("TimeoutTests.cs", e.Message);
            }
        });
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(new[] { "body cancelled@1", "body finally done@1.5", "timeout@1.5" }, log);
        Assert.Equal(0, loop.PendingTimerCount);
    }

    [Fact]
    public void Inner_timeout_cut_short_by_an_outer_one_throws_Cancelled_and_the_outer_throws_Timeout()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var log = new List<string>();
        s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTimeout(OneSecond, async () =>
                {
                    try
                    {
                        await Co.WithTimeout(TimeSpan.FromSeconds(5), async () => await Co.Sleep(TimeSpan.FromHours(1)));
                    }
                    catch (Exception e)
                    {
                        log.Add("inner: " + e.GetType().Name);
                        throw;
                    }
                });
            }
            catch (Exception e)
            {
                log.Add("outer: " + e.GetType().Name + "@" + loop.Now.TotalSeconds);
            }
        });
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(new[] { "inner: CancelledException", "outer: TimeoutException@1" }, log);
        Assert.Equal(0, loop.PendingTimerCount);
        Assert.Equal(0, s.LiveCoroutines);
    }

    [Fact]
    public void Inner_timeout_expiring_first_throws_Timeout_inside_and_the_outer_body_carries_on()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        CoroutineHandle<string> h = s.RunAsyncMain(async () =>
            await Co.WithTimeout(TimeSpan.FromSeconds(5), async () =>
            {
                try
                {
                    await Co.WithTimeout(OneSecond, async () => await Co.Sleep(TimeSpan.FromHours(1)));
                    return "no timeout";
                }
                catch (TimeoutException)
                {
                    await Co.Sleep(OneSecond);
                    return $"inner timed out, outer finished@{loop.Now.TotalSeconds}";
                }
            }));
        loop.RunUntilIdle();
        Assert.True(h.TryGetResult(out string? r));
        Assert.Equal("inner timed out, outer finished@2", r);
    }

    [Fact]
    public void WithTimeoutOrDefault_returns_default_on_timeout_and_the_value_in_time()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var results = new List<string?>();
        bool bodyEnded = false;
        s.RunAsyncMain(async () =>
        {
            results.Add(await Co.WithTimeoutOrDefault(OneSecond, async () =>
            {
                try { await Co.Sleep(TimeSpan.FromSeconds(2)); return "late"; }
                finally { bodyEnded = true; }
            }));
            Assert.True(bodyEnded);
            results.Add(await Co.WithTimeoutOrDefault(OneSecond, async () => { await Co.Sleep(TimeSpan.FromMilliseconds(10)); return "in time"; }));
            int n = await Co.WithTimeoutOrDefault(OneSecond, async () => { await Co.Sleep(TimeSpan.FromSeconds(2)); return 7; });
            results.Add(n.ToString());
        });
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(new[] { null, "in time", "0" }, results);
    }

    [Fact]
    public void Cancelling_the_caller_cancels_the_body_and_waits_for_it_shielded()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            try
            {
                await Co.WithTimeout(TimeSpan.FromHours(1), async () =>
                {
                    try { await Co.Sleep(TimeSpan.FromHours(2)); }
                    finally
                    {
                        await Co.ProtectFromCancel(async () => await Co.Sleep(OneSecond));
                        log.Add($"body ended@{loop.Now.TotalSeconds}");
                    }
                });
            }
            catch (Exception e)
            {
                log.Add($"caller: {e.GetType().Name}@{loop.Now.TotalSeconds}");
                throw;
            }
        }, "caller");
        s.RunUntilIdle();
        h.Cancel();
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(new[] { "body ended@1", "caller: CancelledException@1" }, log);
        Assert.Equal(CoroutineState.Cancelled, h.State);
        Assert.Equal(0, loop.PendingTimerCount);
    }

    [Fact]
    public void Body_failure_is_rethrown_as_is()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        CoroutineHandle h = s.RunAsyncMain(async () =>
            await Co.WithTimeout(OneSecond, async () => { await Co.Pause(); throw new FormatException("boom"); }));
        loop.RunUntilIdle();
        Assert.IsType<FormatException>(h.Exception);
        Assert.Equal(0, loop.PendingTimerCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_body_that_ended_before_the_deadline_keeps_its_own_cancellation_error_if_the_clock_passes_it_before_the_caller_resumes(bool orDefault)
    {
        // Reliability bug 17 (found by an audit of the event loop): the body fails by itself at 0.5 s with an
        // OperationCanceledException of its own (an HTTP client's timeout, say); a sibling's step in the same round
        // takes 0.6 s, so the 1 s timeout is due when the caller's round begins. The timer fired at the ended body and
        // the call reported a timeout (or returned default), dropping the body's real failure.
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var own = new TaskCanceledException("the body's own failure");
        Exception? caught = null;
        int? returned = null;
        s.RunAsyncMain(async () =>
        {
            s.Spawn(async () =>
            {
                await Co.Pause(); // its sleep is armed after the body's: it runs right after the body in that round
                await Co.Sleep(TimeSpan.FromMilliseconds(500));
                loop.Clock.Advance(TimeSpan.FromMilliseconds(600)); // a long step
            });
            try
            {
                Func<CoTask<int?>> body = async () =>
                {
                    await Co.Sleep(TimeSpan.FromMilliseconds(500));
                    throw own;
                };
                returned = orDefault ? await Co.WithTimeoutOrDefault(OneSecond, body) : await Co.WithTimeout(OneSecond, body);
            }
            catch (Exception e) { caught = e; }
        });
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Same(own, caught);
        Assert.Null(returned);
        Assert.Equal(0, loop.PendingTimerCount);
    }

    [Fact]
    public void Shielded_body_that_finishes_despite_the_timeout_returns_its_result()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        CoroutineHandle<int> h = s.RunAsyncMain(async () =>
            await Co.WithTimeout(OneSecond, async () =>
                await Co.ProtectFromCancel(async () => { await Co.Sleep(TimeSpan.FromSeconds(2)); return 5; })));
        loop.RunUntilIdle();
        Assert.True(h.TryGetResult(out int v));
        Assert.Equal(5, v);
    }

    [Fact]
    public void Zero_timeout_cancels_the_body_at_its_first_suspension_after_its_finally_blocks_ran()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var log = new List<string>();
        s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WithTimeout(TimeSpan.Zero, async () =>
                {
                    try { log.Add("body started"); await Co.Pause(); await Co.Pause(); log.Add("unreachable"); }
                    finally { log.Add("finally"); }
                });
            }
            catch (TimeoutException) { log.Add("timeout"); }
        });
        loop.RunUntilIdle();
        Assert.Equal(new[] { "body started", "finally", "timeout" }, log);
    }

    [Fact]
    public void Infinite_timeout_arms_no_timer()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        int timers = -1;
        s.RunAsyncMain(async () =>
            await Co.WithTimeout(Timeout.InfiniteTimeSpan, async () => { await Co.Pause(); timers = loop.PendingTimerCount; }));
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Equal(0, timers);
    }

    [Fact]
    public void Negative_timeout_throws_at_the_call()
    {
        var s = new Scheduler();
        new VirtualEventLoop(s);
        Exception? caught = null;
        s.RunAsyncMain(async () =>
        {
            try { await Co.WithTimeout(TimeSpan.FromSeconds(-2), async () => await Co.Pause()); }
            catch (Exception e) { caught = e; }
        });
        Assert.IsType<ArgumentOutOfRangeException>(caught);
    }
}
