using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class CoTaskTests
{
    private static async CoTask<int> PauseThen(int v)
    {
        await Co.Pause();
        return v;
    }

    [Fact]
    public void Awaiting_a_CoTask_twice_throws_instead_of_returning_a_wrong_result()
    {
        var s = new Scheduler();
        Exception? second = null;
        int first = 0;
        s.SpawnBackground(async () =>
        {
            CoTask<int> t = PauseThen(7);
            first = await t;
            CoTask<int> other = PauseThen(8); // likely reuses the same pooled box
            try { await t; }
            catch (Exception e) { second = e; }
            Assert.Equal(8, await other);
        });
        s.RunUntilIdle();
        Assert.Equal(7, first);
        Assert.IsType<InvalidOperationException>(second);
    }

    [Fact]
    public void Exceptions_propagate_through_nested_CoTask_methods()
    {
        var s = new Scheduler();
        CoroutineHandle h = s.Spawn(async () => await Outer());
        s.RunUntilIdle();
        Assert.IsType<ArithmeticException>(h.Exception);

        static async CoTask Outer() => await Inner();
        static async CoTask Inner()
        {
            await Co.Pause();
            throw new ArithmeticException();
        }
    }

    [Fact]
    public void Synchronous_exception_of_a_CoTask_method_is_delivered_at_await()
    {
        var s = new Scheduler();
        bool caught = false;
        s.SpawnBackground(async () =>
        {
            CoTask t = Throws();
            try { await t; }
            catch (NotImplementedException) { caught = true; }
        });
        s.RunUntilIdle();
        Assert.True(caught);

        static async CoTask Throws()
        {
            await CoTask.CompletedTask;
            throw new NotImplementedException();
        }
    }

    [Fact]
    public void AsTask_bridges_a_CoTask_to_Task_code_inside_the_coroutine()
    {
        var s = new Scheduler();
        using var host = new TestHost(s);
        CoroutineHandle<int> main = s.RunAsyncMain(async () =>
        {
            Task<int> bridged = PauseThen(5).AsTask();
            Task<int> winner = await Task.WhenAny(bridged, new TaskCompletionSource<int>().Task);
            return await winner + 1;
        });
        host.DriveToCompletion();
        Assert.True(main.TryGetResult(out int v));
        Assert.Equal(6, v);
    }

    [Fact]
    public void A_CoTask_left_suspended_when_its_coroutine_ends_is_unwound_without_corrupting_the_scheduler()
    {
        // Until the sixth session the frame was abandoned (never resumed, its finally blocks skipped) and the coroutine
        // ended Done; now it is cancelled and unwound first (StrayFrameTests), and the coroutine fails, naming the
        // missing await.
        var s = new Scheduler();
        bool resumed = false, unwound = false;
        CoroutineHandle h = s.Spawn(() =>
        {
            _ = Detached();
            return CoTask.CompletedTask;
        });
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(CoroutineState.Failed, h.State);
        Assert.Contains("without await", h.Exception!.Message);
        Assert.False(resumed);
        Assert.True(unwound);
        CoroutineHandle next = s.Spawn(async () => { await Co.Pause(); await Co.Pause(); });
        s.RunUntilIdle();
        Assert.Equal(CoroutineState.Done, next.State);

        async CoTask Detached()
        {
            try
            {
                await Co.Pause();
                resumed = true;
            }
            finally { unwound = true; }
        }
    }

    private static readonly AsyncLocal<string?> s_local = new();

    [Fact]
    public void AsyncLocal_flows_across_awaits_like_Task()
    {
        var s = new Scheduler();
        string? afterPause = null, afterInner = null, inChild = null, inOther = "unset";
        s.SpawnBackground(async () =>
        {
            s_local.Value = "outer";
            await Co.Pause();
            afterPause = s_local.Value;
            await Inner();
            afterInner = s_local.Value; // the callee's change after its own await does not leak back
            s.SpawnBackground(async () => { await Co.Pause(); inChild = s_local.Value; });
        });
        s.SpawnBackground(async () => { await Co.Pause(); inOther = s_local.Value; });
        s.RunUntilIdle();
        Assert.Equal("outer", afterPause);
        Assert.Equal("outer", afterInner);
        Assert.Equal("outer", inChild); // a child starts in its spawner's context
        Assert.Null(inOther);           // another coroutine does not see it
        Assert.Null(s_local.Value);     // nor does the host after the drain

        static async CoTask Inner()
        {
            await Co.Pause();
            s_local.Value = "inner";
            await Co.Pause();
        }
    }

    [Theory]
    [InlineData("condition")]
    [InlineData("task")]
    [InlineData("ended")]
    public void A_CoTask_call_without_await_resumes_from_a_Task_in_its_own_AsyncLocal_context(string bodyWaitsOn)
    {
        // A CoTask called without await that awaits a .NET Task runs beside its caller (tolerated for .NET awaits). When
        // the Task completes, the frame resumes in place if the coroutine waits on a CoSched primitive, through the ready
        // queue if it is itself on a .NET await, or outside any coroutine if the coroutine has ended: in each case in the
        // context it awaited in, as after any .NET await. Before, it saw the host's context (in place, after the end) or
        // the caller's latest one (queued).
        var s = new Scheduler();
        var condition = new CoCondition(s);
        var io = new TaskCompletionSource<int>();
        var other = new TaskCompletionSource<int>();
        string? seen = "unset";
        CoroutineHandle h = s.Spawn(async () =>
        {
            s_local.Value = "body";
            _ = Fire(); // misuse tolerated for .NET awaits: it runs beside the body
            s_local.Value = "body later";
            if (bodyWaitsOn == "condition") await condition.Wait();
            else if (bodyWaitsOn == "task") await other.Task;
        });
        s.RunUntilIdle();
        io.SetResultInline(1); // the frame's Task completes while the body waits (or after it ended)
        s.RunUntilIdle();
        Assert.Equal("fire", seen);
        condition.Signal();
        other.SetResultInline(2);
        s.RunUntilIdle();
        Assert.Equal(CoroutineState.Done, h.State);

        async CoTask Fire()
        {
            s_local.Value = "fire";
            await io.Task;
            seen = s_local.Value;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Two_dotnet_completions_in_one_batch_resume_a_coroutine_s_frames_one_at_a_time_in_either_order(bool fireFirst)
    {
        // Audit finding: when the unawaited call's Task completed first in the same inbox batch, its frame was queued
        // (marking the coroutine waiting) and the body's completion then ran the body in place, inside the inbox: the
        // body ended before the queued frame ran, and the coroutine failed as "called without await" (and a CoSched
        // await in the body was refused). Now the second completion waits for the next round.
        var s = new Scheduler();
        var io = new TaskCompletionSource<int>();
        var other = new TaskCompletionSource<int>();
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            _ = Fire(); // tolerated for .NET awaits: it runs beside the body
            await other.Task;
            log.Add("body resumed");
            await Co.Pause();
            log.Add("body paused");
        });
        s.RunUntilIdle();
        if (fireFirst) { io.SetResultInline(1); other.SetResultInline(1); }
        else { other.SetResultInline(1); io.SetResultInline(1); }
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(CoroutineState.Done, h.State);
        Assert.Contains("fire resumed", log);
        Assert.Contains("body paused", log);

        async CoTask Fire()
        {
            await io.Task;
            log.Add("fire resumed");
        }
    }

    [Fact]
    public void AsTask_of_a_completed_CoTask_on_a_thread_without_a_scheduler_throws_like_a_pending_one()
    {
        // Audit finding: the completed path returned a Task faulted with the refusal instead of throwing it.
        var s = new Scheduler();
        CoTask<int> done = default;
        s.Spawn(async () =>
        {
            done = Quick();
            await Co.Pause(); // Quick completes in this round: the task is completed, its result unread
        });
        s.RunUntilIdle();
        Assert.True(done.IsCompleted);
        Exception? thrown = null;
        var t = new Thread(() =>
        {
            try { done.AsTask(); }
            catch (Exception e) { thrown = e; }
        });
        t.Start();
        t.Join();
        Assert.IsType<WrongThreadException>(thrown);

        static async CoTask<int> Quick()
        {
            await Co.Pause();
            return 1;
        }
    }

    [Fact]
    public void A_CoTask_awaited_from_another_coroutine_resumes_it_with_the_result_and_leaves_no_wait_behind()
    {
        var s = new Scheduler();
        var condition = new CoCondition(s);
        var never = new TaskCompletionSource();
        CoTask<int> shared = default;
        s.Spawn(async () =>
        {
            shared = Inner(); // parks on the condition, in A
            await never.Task;
        });
        var log = new List<string>();
        CoroutineHandle b = s.Spawn(async () =>
        {
            await Co.Pause();
            log.Add($"got {await shared}");
            await Co.Pause(); // B's own waits work as usual afterwards
            log.Add("paused");
        });
        s.RunUntilIdle();
        Assert.Contains("a CoTask whose frame runs in another coroutine", s.DescribeCoroutines().ToString());
        condition.Signal();
        s.RunUntilIdle();
        Assert.Equal(["got 5", "paused"], log);
        Assert.Equal(CoroutineState.Done, b.State);

        async CoTask<int> Inner()
        {
            await condition.Wait();
            return 5;
        }
    }

    [Fact]
    public void A_cancel_after_the_awaited_CoTask_completed_does_not_take_the_result_away()
    {
        var s = new Scheduler();
        var condition = new CoCondition(s);
        var never = new TaskCompletionSource();
        CoTask<int> shared = default;
        s.Spawn(async () =>
        {
            shared = Inner();
            await never.Task;
        });
        string outcome = "nothing";
        CoroutineHandle b = s.Spawn(async () =>
        {
            await Co.Pause();
            outcome = $"got {await shared}";
        });
        s.RunUntilIdle();
        // The task completes (B is queued to resume) and B is cancelled before it runs: it still gets the result.
        s.Spawn(async () =>
        {
            condition.Signal();
            await Co.Pause(); // A's frame completes the task in this round; B is woken with the result
            b.Cancel();
        });
        s.RunUntilIdle();
        Assert.Equal("got 5", outcome);

        async CoTask<int> Inner()
        {
            await condition.Wait();
            return 5;
        }
    }

    [Fact]
    public void A_frame_resumed_by_a_Task_runs_while_its_coroutine_keeps_pausing()
    {
        // A .NET completion for a coroutine queued to step waits one round (see the test above), not more: a body
        // pausing in a loop is queued at every round start and must not starve the frame beside it.
        var s = new Scheduler();
        var io = new TaskCompletionSource<int>();
        bool fired = false;
        int pausesWhenFired = -1;
        CoroutineHandle h = s.Spawn(async () =>
        {
            _ = Fire(); // tolerated for .NET awaits: it runs beside the body
            for (int i = 0; i < 100 && !fired; i++)
            {
                if (i == 5) io.SetResultInline(1);
                await Co.Pause();
                if (fired && pausesWhenFired < 0) pausesWhenFired = i;
            }
        });
        s.RunUntilIdle();
        Assert.True(fired);
        Assert.InRange(pausesWhenFired, 5, 8);
        Assert.Equal(CoroutineState.Done, h.State);

        async CoTask Fire()
        {
            await io.Task;
            fired = true;
        }
    }

    [Fact]
    public void CoTask_method_awaiting_a_Task_outside_any_coroutine_throws()
    {
        _ = new Scheduler(); // a CoTask's outcome is read on a scheduler's thread (elsewhere: WrongThreadException)
        var tcs = new TaskCompletionSource();
        CoTask t = AwaitsTask(tcs.Task);
        tcs.SetResult();
        Assert.Throws<InvalidOperationException>(() => t.GetAwaiter().GetResult());

        static async CoTask AwaitsTask(Task task) => await task;
    }
}
