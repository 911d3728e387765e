using System;
using System.Collections.Generic;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class CancellationTests
{
    [Fact]
    public void Coroutine_cancelled_before_first_step_still_runs_its_start_and_finally()
    {
        var s = new Scheduler();
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            log.Add("start");
            try { await Co.Pause(); log.Add("after pause"); }
            finally { log.Add("finally"); }
        });
        h.Cancel();
        s.RunUntilIdle();
        Assert.Equal(new[] { "start", "finally" }, log);
        Assert.Equal(CoroutineState.Cancelled, h.State);
        Assert.IsType<CancelledException>(h.Exception);
    }

    [Fact]
    public void Cancel_is_sticky_every_unshielded_suspension_throws()
    {
        var s = new Scheduler();
        int throwsSeen = 0;
        bool pausedInsideShield = false;
        CoroutineHandle h = default;
        h = s.Spawn(async () =>
        {
            await Co.Pause();
            h.Cancel(); // self-cancel is allowed: delivered at the next suspension
            for (int i = 0; i < 3; i++)
            {
                try { await Co.Pause(); }
                catch (CancelledException) { throwsSeen++; }
            }
            Assert.True(Co.IsBeingCancelled);
            await Co.ProtectFromCancel(async () =>
            {
                await Co.Pause();
                await Co.Pause();
                pausedInsideShield = true;
            });
            await Co.Pause(); // the first suspension after the shield throws
        });
        s.RunUntilIdle();
        Assert.Equal(3, throwsSeen);
        Assert.True(pausedInsideShield);
        Assert.Equal(CoroutineState.Cancelled, h.State);
    }

    [Fact]
    public void Cancel_wakes_a_suspended_join_with_CancelledException()
    {
        var s = new Scheduler();
        CoroutineHandle blocker = s.Spawn(async () => { for (int i = 0; i < 10; i++) await Co.Pause(); });
        Exception? seen = null;
        CoroutineHandle waiter = s.Spawn(async () =>
        {
            try { await blocker.Wait(); }
            catch (Exception e) { seen = e; throw; }
        });
        s.RunUntilIdle(DrainBudget.Steps(4));
        Assert.Equal(CoroutineState.Suspended, waiter.State);
        waiter.Cancel();
        s.RunUntilIdle();
        Assert.IsType<CancelledException>(seen);
        Assert.Equal(CoroutineState.Cancelled, waiter.State);
        Assert.Equal(CoroutineState.Done, blocker.State);
    }

    [Fact]
    public void Shielded_coroutine_is_not_woken_by_cancel_and_throws_at_next_suspension()
    {
        var s = new Scheduler();
        var log = new List<string>();
        CoroutineHandle target = s.Spawn(async () => { for (int i = 0; i < 3; i++) await Co.Pause(); });
        CoroutineHandle h = s.Spawn(async () =>
        {
            await Co.ProtectFromCancel(async () => { await target.Wait(); log.Add("joined"); });
            log.Add("after shield");
            await Co.Pause();
            log.Add("unreachable");
        });
        s.RunUntilIdle(DrainBudget.Steps(2));
        h.Cancel();
        s.RunUntilIdle();
        Assert.Equal(new[] { "joined", "after shield" }, log);
        Assert.Equal(CoroutineState.Cancelled, h.State);
    }

    [Fact]
    public void Cancellation_token_is_cancelled_when_the_coroutine_is()
    {
        var s = new Scheduler();
        System.Threading.CancellationToken token = default;
        bool wasCancelledBefore = true;
        CoroutineHandle h = s.Spawn(async () =>
        {
            token = Co.CancellationToken;
            wasCancelledBefore = token.IsCancellationRequested;
            while (true) await Co.Pause();
        });
        s.RunUntilIdle(DrainBudget.Steps(2));
        h.Cancel();
        Assert.True(token.IsCancellationRequested);
        Assert.False(wasCancelledBefore);
        s.RunUntilIdle();
        Assert.Equal(CoroutineState.Cancelled, h.State);
    }

    [Fact]
    public void Cancel_and_wake_in_the_same_round_resume_once()
    {
        var s = new Scheduler();
        int resumed = 0;
        CoroutineHandle target = s.Spawn(async () => await Co.Pause());
        CoroutineHandle waiter = s.Spawn(async () =>
        {
            try { await target.Wait(); }
            finally { resumed++; }
        });
        // Round 1: target pauses, waiter parks on the join. Round 2: target ends (waking the waiter) and, later in the
        // same round, a third coroutine cancels the waiter: it must resume exactly once, returning normally.
        s.RunUntilIdle(DrainBudget.Steps(2));
        s.SpawnBackground(() => { waiter.Cancel(); return CoTask.CompletedTask; });
        s.RunUntilIdle();
        Assert.Equal(1, resumed);
        Assert.Equal(CoroutineState.Done, waiter.State); // the hand-off happened before the cancel: no error
    }

    [Fact]
    public void Wake_is_idempotent_a_coroutine_woken_twice_in_one_round_runs_once()
    {
        var s = new Scheduler();
        int steps = 0;
        CoroutineHandle h = s.Spawn(async () => { steps++; await Co.Pause(); steps++; });
        s.RunUntilIdle(DrainBudget.Steps(1));
        Coroutine co = h.RecordForTests!;
        s.Wake(co); // already queued by its pause: no second entry
        s.Wake(co);
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(1, r.Steps);
        Assert.Equal(2, steps);
        Assert.Equal(CoroutineState.Done, h.State);
    }

    [Fact]
    public void Cancel_of_a_paused_coroutine_does_not_queue_it_twice()
    {
        var s = new Scheduler();
        int resumes = 0;
        CoroutineHandle h = s.Spawn(async () =>
        {
            await Co.Pause();
            try { await Co.Pause(); }
            finally { resumes++; }
        });
        s.RunUntilIdle(DrainBudget.Steps(2)); // now queued by its second pause
        h.Cancel();
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(1, r.Steps);
        Assert.Equal(1, resumes);
        Assert.Equal(CoroutineState.Cancelled, h.State);
    }
}
