using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using CoSched;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// Bugs the reliability suite found that have no better home (the others are in <see cref="FaultTests"/>): regression
/// tests for the fixed ones, and the behaviour believed right for the open ones, skipped with the reason (unskip when
/// fixed). Each sits next to a passing test of the neighbouring case. See docs/reliability.md, "Bugs found".
/// </summary>
public class FoundBugTests
{
    /// <summary>
    /// Found by the random programs, fixed in TimeoutScope.Run: the body was joined again only when it had not ended, so
    /// a body failure landing between the caller's cancel and the caller's resumption was dropped.
    /// </summary>
    [Fact]
    public void WithTimeout_keeps_a_body_failure_that_ends_before_the_cancelled_caller_resumes()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var boom = new InvalidDataException("the body failed");
        CoroutineHandle caller = default;
        Exception? seen = null;
        caller = s.Spawn(async () =>
        {
            try
            {
                await Co.WithTimeout(TimeSpan.FromSeconds(10), async () =>
                {
                    await Co.Pause();
                    caller.Cancel(); // reaches the caller while it waits for this body
                    throw boom;      // the body fails in the same step, before the caller resumes
                });
            }
            catch (Exception e)
            {
                seen = e;
            }
        });
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        // As when the body fails after the caller resumed (below), and as in task groups: a real failure while winding
        // down replaces the cancellation.
        Assert.Same(boom, seen);
    }

    [Fact]
    public void WithTimeout_rethrows_a_body_failure_that_ends_after_the_cancelled_caller_resumed()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var boom = new InvalidDataException("the body failed");
        CoroutineHandle caller = default;
        Exception? seen = null;
        caller = s.Spawn(async () =>
        {
            try
            {
                await Co.WithTimeout(TimeSpan.FromSeconds(10), async () =>
                {
                    try
                    {
                        await Co.Pause();
                        caller.Cancel();
                        await Co.Pause(); // the caller resumes first and cancels this body
                    }
                    catch (CancelledException)
                    {
                        throw boom;
                    }
                });
            }
            catch (Exception e)
            {
                seen = e;
            }
        });
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.Same(boom, seen);
    }

    public static IEnumerable<object[]> UncheckedMembers() => new[]
    {
        new object[] { "CoLazy.IsValueCreated", (Action<MisuseWorld>)(w => _ = w.Lazy.IsValueCreated) },
        new object[] { "CoLazy.StartCount", (Action<MisuseWorld>)(w => _ = w.Lazy.StartCount) },
        new object[] { "CoLazy.TryGetValue", (Action<MisuseWorld>)(w => w.Lazy.TryGetValue(out _)) },
        new object[] { "CoTimer.Duration", (Action<MisuseWorld>)(w => _ = w.Timer.Duration) },
        new object[] { "EventLoopBase.NextDeadline", (Action<MisuseWorld>)(w => _ = w.Loop.NextDeadline) },
        new object[] { "EventLoopBase.HasPendingTimers", (Action<MisuseWorld>)(w => _ = w.Loop.HasPendingTimers) },
    };

    /// <summary>
    /// Was a gap found by this suite: these members read scheduler-thread state without the thread check DESIGN.md
    /// section 8 asks for (every other member throws WrongThreadException, see MisuseTests); fixed: they check.
    /// </summary>
    [Theory]
    [MemberData(nameof(UncheckedMembers))]
    public void Members_reading_scheduler_state_refuse_other_threads_too(string member, Action<MisuseWorld> call)
    {
        var w = new MisuseWorld();
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { call(w); }
            catch (Exception e) { error = e; }
        });
        t.Start();
        t.Join();
        Assert.True(error is WrongThreadException, $"{member} from another thread: {error?.GetType().Name ?? "no exception"}");
        w.AssertStillWorks();
    }

    [Fact]
    public void A_coroutine_awaiting_another_coroutine_s_CoTask_is_cancelled_at_once()
    {
        var s = new Scheduler();
        var condition = new CoCondition(s);
        CoTask shared = default;
        var never = new System.Threading.Tasks.TaskCompletionSource();
        s.Spawn(async () =>
        {
            shared = Inner();  // A's frame parks on the condition, unawaited by A
            await never.Task;  // A waits beside it on a .NET task (tolerated), so its Inner frame stays suspended
        });
        string outcome = "nothing";
        CoroutineHandle b = s.Spawn(async () =>
        {
            await Co.Pause();
            try { await shared; outcome = "completed"; }
            catch (CancelledException) { outcome = "cancelled"; }
        });
        s.RunUntilIdle();
        b.Cancel();
        s.RunUntilIdle();
        Assert.Equal("cancelled", outcome); // believed right: the cancel reaches B's wait, as for any CoSched wait

        async CoTask Inner() => await condition.Wait();
    }
}
