using System;
using System.Collections.Generic;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class WhenAllAnyTests
{
    private readonly Scheduler _s = new();
    private readonly List<string> _log = new();
    private readonly TestGate _gate = new();
    private int _running, _maxRunning;

    /// <summary>A body that logs its start, pauses <paramref name="pauses"/> times, logs its end and returns <paramref name="value"/>.</summary>
    private Func<CoTask<int>> Body(int value, int pauses) => async () =>
    {
        _log.Add($"start {value}");
        _maxRunning = Math.Max(_maxRunning, ++_running);
        try
        {
            for (int i = 0; i < pauses; i++) await Co.Pause();
            _log.Add($"end {value}");
            return value;
        }
        catch (CancelledException) { _log.Add($"cancelled {value}"); throw; }
        finally { _running--; }
    };

    [Fact]
    public void WhenAll_returns_results_in_input_order_and_runs_bodies_concurrently()
    {
        int[]? results = null;
        _s.RunAsyncMain(async () => results = await Co.WhenAll(new[] { Body(1, 3), Body(2, 1), Body(3, 2) }));
        Assert.Equal(new[] { 1, 2, 3 }, results);
        Assert.Equal(3, _maxRunning);
        Assert.Equal(new[] { "start 1", "start 2", "start 3", "end 2", "end 3", "end 1" }, _log);
    }

    [Fact]
    public void WhenAll_with_a_limit_never_runs_more_bodies_at_once()
    {
        int[]? results = null;
        _s.RunAsyncMain(async () => results = await Co.WhenAll(new[] { Body(1, 4), Body(2, 1), Body(3, 1), Body(4, 1), Body(5, 1) }, maxConcurrency: 2));
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, results);
        Assert.Equal(2, _maxRunning);
        Assert.Equal(new[] { "start 1", "start 2", "end 2", "start 3", "end 3", "start 4", "end 4", "start 5", "end 1", "end 5" }, _log);
    }

    [Fact]
    public void WhenAll_failure_cancels_running_bodies_and_pending_ones_never_start()
    {
        var boom = new FormatException();
        Exception? caught = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WhenAll(new Func<CoTask<int>>[]
                {
                    async () => { await Co.Pause(); throw boom; },
                    Body(2, 10),
                    Body(3, 1),
                }, maxConcurrency: 2);
            }
            catch (Exception e) { caught = e; }
        });
        Assert.Same(boom, caught);
        Assert.Equal(new[] { "start 2", "cancelled 2" }, _log);
    }

    /// <summary>A body that pauses in a shield (so a cancel does not stop it), logs and returns, or throws if given an error.</summary>
    private Func<CoTask<int>> ShieldedBody(int value, Exception? error = null) => async () =>
    {
        _log.Add($"start {value}");
        await Co.ProtectFromCancel(async () => { await Co.Pause(); await Co.Pause(); });
        _log.Add($"end {value}");
        if (error is not null) throw error;
        return value;
    };

    [Fact]
    public void WhenAll_starts_no_body_after_a_failure_even_in_a_worker_whose_body_finishes_shielded()
    {
        // Reliability bug 16: the worker of a body that ran on, shielded, after another body failed took the next body
        // and started it, although the failure had already decided the call.
        var boom = new FormatException();
        Exception? caught = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WhenAll(new Func<CoTask<int>>[]
                {
                    ShieldedBody(1),
                    async () => { await Co.Pause(); throw boom; },
                    Body(3, 1),
                }, maxConcurrency: 2);
            }
            catch (Exception e) { caught = e; }
        });
        Assert.Same(boom, caught);
        Assert.Equal(new[] { "start 1", "end 1" }, _log); // never "start 3"
    }

    [Fact]
    public void WhenAny_starts_no_body_after_a_winner_even_when_a_skipped_failure_frees_a_worker()
    {
        // Reliability bug 16, WhenAny's form: with allowFailure, a body failing (shielded, after the winner was decided)
        // made its worker start the next body.
        int result = 0;
        _s.RunAsyncMain(async () => result = await Co.WhenAny(new Func<CoTask<int>>[]
        {
            Body(1, 1),
            ShieldedBody(2, new FormatException("after the winner")),
            Body(3, 1),
        }, maxConcurrency: 2, allowFailure: true));
        Assert.Equal(1, result);
        Assert.Equal(new[] { "start 1", "start 2", "end 1", "end 2" }, _log); // never "start 3"
    }

    [Fact]
    public void WhenAll_of_nothing_is_empty_and_arguments_are_checked()
    {
        int[]? results = null;
        Exception? negative = null, nullBody = null;
        _s.RunAsyncMain(async () =>
        {
            results = await Co.WhenAll(Array.Empty<Func<CoTask<int>>>());
            await Co.WhenAll(Array.Empty<Func<CoTask>>());
            negative = TaskGroupTests.Record(() => Co.WhenAll(new[] { Body(1, 1) }, maxConcurrency: -1));
            nullBody = TaskGroupTests.Record(() => Co.WhenAll(new Func<CoTask<int>>[] { null! }));
        });
        Assert.Equal(Array.Empty<int>(), results);
        Assert.IsType<ArgumentOutOfRangeException>(negative);
        Assert.IsType<ArgumentException>(nullBody);
    }

    [Fact]
    public void WhenAll_without_results_waits_for_every_body()
    {
        _s.RunAsyncMain(async () =>
        {
            await Co.WhenAll(new Func<CoTask>[]
            {
                async () => { await Co.Pause(); await Co.Pause(); _log.Add("a"); },
                async () => { await Co.Pause(); _log.Add("b"); },
            }, maxConcurrency: 1);
            _log.Add("all done");
        });
        Assert.Equal(new[] { "a", "b", "all done" }, _log);
    }

    [Fact]
    public void WhenAll_cancelled_caller_cancels_every_body()
    {
        CoroutineHandle main = _s.Spawn(async () => await Co.WhenAll(new[] { Body(1, 1000), Body(2, 1000) }));
        _s.RunUntilIdle(DrainBudget.Steps(6));
        main.Cancel();
        _s.RunUntilIdle();
        Assert.Equal(CoroutineState.Cancelled, main.State);
        Assert.Contains("cancelled 1", _log);
        Assert.Contains("cancelled 2", _log);
    }

    [Fact]
    public void WhenAny_returns_the_first_result_after_cancelling_the_losers()
    {
        int result = 0;
        _s.RunAsyncMain(async () =>
        {
            result = await Co.WhenAny(new[] { Body(1, 5), Body(2, 2), Body(3, 4) });
            _log.Add("returned");
        });
        Assert.Equal(2, result);
        // Body 1 runs on the group body, which paused first and so is queued behind the spawned workers.
        Assert.Equal(new[] { "start 1", "start 2", "start 3", "end 2", "cancelled 3", "cancelled 1", "returned" }, _log);
        Assert.Equal(0, _running);
    }

    [Fact]
    public void WhenAny_of_nothing_throws_ArgumentException_at_the_call()
    {
        Exception? e = null;
        _s.RunAsyncMain(async () =>
        {
            e = TaskGroupTests.Record(() => Co.WhenAny(Array.Empty<Func<CoTask<int>>>()));
            await Co.Pause();
        });
        Assert.IsType<ArgumentException>(e);
        Assert.Contains("at least one", e!.Message);
    }

    [Fact]
    public void WhenAny_fails_at_the_first_failure_by_default()
    {
        var boom = new FormatException();
        Exception? caught = null;
        _s.RunAsyncMain(async () =>
        {
            try { await Co.WhenAny(new Func<CoTask<int>>[] { Body(1, 5), async () => { await Co.Pause(); throw boom; } }); }
            catch (Exception e) { caught = e; }
        });
        Assert.Same(boom, caught);
        Assert.Equal(new[] { "start 1", "cancelled 1" }, _log);
    }

    [Fact]
    public void WhenAny_with_allowFailure_skips_failures_and_starts_the_next_body_within_the_limit()
    {
        int result = 0;
        _s.RunAsyncMain(async () =>
        {
            result = await Co.WhenAny(new Func<CoTask<int>>[]
            {
                async () => { _log.Add("start fail"); await Co.Pause(); throw new TimeoutException(); },
                Body(2, 2),
                Body(3, 1),
            }, maxConcurrency: 1, allowFailure: true);
        });
        Assert.Equal(2, result);
        Assert.Equal(new[] { "start fail", "start 2", "end 2" }, _log); // body 3 never started
    }

    [Fact]
    public void WhenAny_with_allowFailure_rethrows_the_first_failure_when_every_body_fails()
    {
        var first = new TimeoutException("first");
        Exception? caught = null;
        _s.RunAsyncMain(async () =>
        {
            try
            {
                await Co.WhenAny(new Func<CoTask<int>>[]
                {
                    async () => { await Co.Pause(); await Co.Pause(); throw new FormatException("second"); },
                    async () => { await Co.Pause(); throw first; },
                }, allowFailure: true);
            }
            catch (Exception e) { caught = e; }
        });
        Assert.Same(first, caught);
    }

    [Fact]
    public void WhenAny_two_winners_in_one_round_keep_the_first()
    {
        int result = 0;
        _s.RunAsyncMain(async () => result = await Co.WhenAny(new[] { Body(1, 2), Body(2, 2) }));
        Assert.Equal(1, result);
    }
}
