using System;
using System.Collections.Generic;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class JoinTests
{
    [Fact]
    public void Wait_returns_the_result_and_TryGetResult_reports_before_and_after()
    {
        var s = new Scheduler();
        CoroutineHandle<int> child = s.Spawn(async () => { await Co.Pause(); return 5; });
        Assert.False(child.TryGetResult(out _));
        int got = 0;
        s.SpawnBackground(async () => got = await child.Wait() + 1);
        s.RunUntilIdle(DrainBudget.Steps(3));
        Assert.True(child.TryGetResult(out int r));
        Assert.Equal(5, r);
        s.RunUntilIdle();
        Assert.Equal(6, got);
    }

    [Fact]
    public void Several_waiters_all_get_the_result_then_the_handle_is_consumed()
    {
        var s = new Scheduler();
        CoroutineHandle<string> child = s.Spawn(async () => { await Co.Pause(); await Co.Pause(); return "x"; });
        string a = "", b = "";
        s.SpawnBackground(async () => a = await child.Wait());
        s.SpawnBackground(async () => b = await child.Wait());
        s.RunUntilIdle();
        Assert.Equal("x", a);
        Assert.Equal("x", b);
        Assert.Throws<InvalidOperationException>(() => child.State); // record recycled after both read it
    }

    [Fact]
    public void Failure_is_rethrown_by_Wait()
    {
        var s = new Scheduler();
        CoroutineHandle child = s.Spawn(async () => { await Co.Pause(); throw new TimeZoneNotFoundException(); });
        Exception? seen = null;
        s.SpawnBackground(async () =>
        {
            try { await child.Wait(); }
            catch (Exception e) { seen = e; }
        });
        s.RunUntilIdle();
        Assert.IsType<TimeZoneNotFoundException>(seen);
    }

    [Fact]
    public void Wait_outside_a_coroutine_throws_invalid_operation()
    {
        var s = new Scheduler();
        CoroutineHandle child = s.Spawn(() => CoTask.CompletedTask);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => child.Wait());
        Assert.Contains("outside any coroutine", e.Message);
    }

    [Fact]
    public void A_join_awaitable_kept_past_its_outcome_s_consumption_throws_at_once_and_leaves_the_record_s_next_owner_alone()
    {
        // Reliability bug 19 (found by an audit): the awaitable checked its record's version only after the wait, so it
        // waited on (and counted a wake of) whichever coroutine reused the record: the waiter hung until that one ended,
        // and that coroutine's handle then stayed valid after its own Wait() had consumed it.
        var s = new Scheduler();
        var gate = new CoCondition(s);
        var log = new List<string>();
        CoroutineHandle<int> other = default;
        s.Spawn(async () =>
        {
            CoroutineHandle<int> h = s.Spawn(async () => { await Co.Pause(); return 1; });
            JoinAwaitable<int> kept = h.Wait();   // taken while the handle is valid
            log.Add($"first Wait: {await h.Wait()}"); // consumes the outcome: the record is recycled
            other = s.Spawn(async () => { await gate.Wait(); return 2; }); // may reuse the record
            try { log.Add($"kept awaitable: {await kept}"); }
            catch (InvalidOperationException) { log.Add("kept awaitable refused"); }
        });
        s.RunUntilIdle();
        Assert.Equal(["first Wait: 1", "kept awaitable refused"], log); // at once, not after 'other' ends
        gate.Broadcast();
        int got = 0;
        s.Spawn(async () => got = await other.Wait());
        s.RunUntilIdle();
        Assert.Equal(2, got);
        Assert.Throws<InvalidOperationException>(() => other.State); // consumed: the handle is stale, as documented
    }
}
