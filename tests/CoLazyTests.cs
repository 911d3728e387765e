using System;
using System.Collections.Generic;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class CoLazyTests
{
    private readonly Scheduler _s = new();
    private readonly List<string> _log = new();
    private readonly TestGate _gate = new();

    [Fact]
    public void The_initializer_starts_on_the_first_wait_and_is_shared_by_all_waiters()
    {
        var lazy = new CoLazy<int>(async () => { _log.Add("init"); await _gate.Wait(); return 7; }, "config");
        int a = 0, b = 0, c = 0;
        _s.Spawn(async () => { await Co.Pause(); a = await lazy.Wait(); });
        _s.Spawn(async () => { await Co.Pause(); b = await lazy.Wait(); });
        _s.RunUntilIdle(DrainBudget.Steps(2)); // both have started, neither waits yet
        Assert.Empty(_log);
        Assert.Equal(0, lazy.StartCount);
        _s.RunUntilIdle();
        Assert.Equal(new[] { "init" }, _log);
        Assert.False(lazy.TryGetValue(out _));
        _gate.Open();
        _s.RunUntilIdle();
        Assert.Equal((7, 7), (a, b));
        Assert.True(lazy.IsValueCreated);
        _s.Spawn(async () => c = await lazy.Wait()); // settled: completes without suspending
        _s.RunUntilIdle();
        Assert.Equal(7, c);
        Assert.Equal(1, lazy.StartCount);
    }

    [Fact]
    public void If_every_waiter_is_cancelled_the_initializer_is_cancelled_and_restarts_on_the_next_wait()
    {
        int runs = 0;
        var lazy = new CoLazy<int>(async () =>
        {
            int run = ++runs;
            try { await _gate.Wait(); return run * 10; }
            finally { _log.Add($"init {run} ended"); }
        });
        CoroutineHandle w1 = _s.Spawn(async () => await lazy.Wait());
        CoroutineHandle w2 = _s.Spawn(async () => await lazy.Wait());
        _s.RunUntilIdle();
        w1.Cancel();
        _s.RunUntilIdle();
        Assert.Empty(_log); // one waiter is left: the initializer keeps running
        w2.Cancel();
        _s.RunUntilIdle();
        Assert.Equal(new[] { "init 1 ended" }, _log);
        Assert.Equal(CoroutineState.Cancelled, w1.State);
        Assert.Equal(CoroutineState.Cancelled, w2.State);
        Assert.False(lazy.TryGetValue(out _));

        int value = 0;
        _s.Spawn(async () => value = await lazy.Wait());
        _s.RunUntilIdle();
        Assert.Equal(2, lazy.StartCount);
        _gate.Open();
        _s.RunUntilIdle();
        Assert.Equal(20, value);
    }

    [Fact]
    public void A_failure_is_delivered_to_every_waiter_and_kept()
    {
        var boom = new FormatException();
        var lazy = new CoLazy<int>(async () => { await _gate.Wait(); throw boom; });
        Exception? e1 = null, e2 = null, e3 = null;
        _s.Spawn(async () => { try { await lazy.Wait(); } catch (Exception e) { e1 = e; } });
        _s.Spawn(async () => { try { await lazy.Wait(); } catch (Exception e) { e2 = e; } });
        _s.RunUntilIdle();
        _gate.Open();
        _s.RunUntilIdle();
        _s.Spawn(async () => { try { await lazy.Wait(); } catch (Exception e) { e3 = e; } });
        _s.RunUntilIdle();
        Assert.Same(boom, e1);
        Assert.Same(boom, e2);
        Assert.Same(boom, e3);
        Assert.Equal(1, lazy.StartCount);
        Assert.Throws<FormatException>(() => lazy.TryGetValue(out _));
    }

    [Fact]
    public void A_waiter_cancelled_after_the_value_was_handed_over_returns_the_value()
    {
        var lazy = new CoLazy<int>(async () => { await _gate.Wait(); return 3; });
        int got = 0;
        CoroutineHandle waiter = default;
        waiter = _s.Spawn(async () => { got = await lazy.Wait(); });
        _s.RunUntilIdle();
        // In the round the gate opens, the initializer ends (waking the waiter), then this cancels the woken waiter.
        _s.Spawn(async () => { await _gate.Wait(); waiter.Cancel(); });
        _s.RunUntilIdle();
        _gate.Open();
        _s.RunUntilIdle();
        Assert.Equal(3, got);
    }

    [Fact]
    public void Waiting_outside_a_coroutine_throws()
    {
        var lazy = new CoLazy<int>(() => CoTask.FromResult(1));
        Assert.Throws<InvalidOperationException>(() => lazy.Wait());
    }
}
