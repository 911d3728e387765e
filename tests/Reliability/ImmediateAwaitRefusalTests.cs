using System;
using System.Collections.Generic;
using CoSched;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// While a CoTask call made without await is suspended, the coroutine's next CoSched await is refused even when it
/// could complete at once (a free permit, a buffered item, room in a queue, an ended join, a settled lazy value or
/// timer), and the primitive is left as it was (reliability bug 13, found by the random programs once calls without
/// await could come before other operations). Before the fix such an await completed, and its result read the wait
/// state of the parked frame: a free semaphore's acquire took that frame's "woken" mark, so the frame's condition wait
/// later returned without any signal; an ended join counted a wake that never happened.
/// </summary>
public class ImmediateAwaitRefusalTests
{
    /// <summary>One await that completes at once, and a check that a refused attempt left its primitive unchanged.</summary>
    private sealed record Immediate(Func<CoTask> Await, Action CheckUnchanged);

    private static Immediate Make(string kind, Scheduler s, VirtualEventLoop loop)
    {
        switch (kind)
        {
            case "semaphore":
            {
                var sem = new CoSemaphore(s, 1);
                return new(async () => await sem.Acquire(), () => Assert.Equal(1, sem.Available));
            }
            case "mutex":
            {
                var m = new CoMutex(s);
                return new(async () => { using (await m.LockAsync()) { } }, () => Assert.False(m.IsLocked));
            }
            case "queue get":
            {
                CoQueue<int> q = CoQueue<int>.Unbounded(s);
                Assert.True(q.TryPut(5));
                return new(async () => await q.Get(), () => Assert.Equal(1, q.Count));
            }
            case "queue put":
            {
                CoQueue<int> q = CoQueue<int>.Unbounded(s);
                return new(async () => await q.Put(9), () => Assert.Equal(0, q.Count));
            }
            case "await foreach":
            {
                CoQueue<int> q = CoQueue<int>.Unbounded(s);
                Assert.True(q.TryPut(5));
                return new(async () => { await foreach (int _ in q) break; }, () => Assert.Equal(1, q.Count));
            }
            case "ended join":
            {
                CoroutineHandle<int> ended = s.Spawn(() => CoTask.FromResult(42));
                s.RunUntilIdle();
                return new(async () => await ended.Wait(), () =>
                {
                    // The handle still holds the outcome: a proper join reads it (before the fix its wake count went negative).
                    int got = 0;
                    s.Spawn(async () => got = await ended.Wait());
                    s.RunUntilIdle();
                    Assert.Equal(42, got);
                });
            }
            case "settled lazy":
            {
                var lazy = new CoLazy<int>(() => CoTask.FromResult(7));
                s.Spawn(async () => await lazy.Wait());
                s.RunUntilIdle();
                Assert.True(lazy.IsValueCreated);
                return new(async () => await lazy.Wait(), () => Assert.True(lazy.TryGetValue(out int v) && v == 7));
            }
            case "settled timer":
            {
                var timer = new CoTimer(s, TimeSpan.FromSeconds(1));
                Assert.True(timer.Cancel());
                return new(async () => await timer.Wait(), () => Assert.False(timer.IsArmed));
            }
            default: throw new ArgumentException(kind);
        }
    }

    public static TheoryData<string> Kinds() =>
        new() { "semaphore", "mutex", "queue get", "queue put", "await foreach", "ended join", "settled lazy", "settled timer" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_await_that_would_complete_at_once_is_refused_while_a_call_without_await_waits(string kind)
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var condition = new CoCondition(s);
        Immediate immediate = Make(kind, s, loop);
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            _ = StrayWait(condition, log); // misuse: no await; it waits on the condition
            try
            {
                await immediate.Await();
                log.Add("completed at once");
            }
            catch (InvalidOperationException e) when (e.Message.Contains("already waiting", StringComparison.Ordinal))
            {
                log.Add("refused");
            }
        });
        s.RunUntilIdle();

        Assert.Equal(["refused", "stray call cancelled"], log); // never "stray call resumed without a signal"
        immediate.CheckUnchanged();
        Assert.Equal(0, condition.WaiterCount);
        Assert.Equal(CoroutineState.Failed, h.State);
        Assert.Contains("without await", h.Exception!.Message);
        Assert.False(condition.Signal()); // nobody waits: the withdrawn wait took nothing
    }

    private static async CoTask StrayWait(CoCondition condition, List<string> log)
    {
        try
        {
            await condition.Wait();
            log.Add("stray call resumed without a signal");
        }
        catch (CancelledException)
        {
            log.Add("stray call cancelled");
        }
    }

    [Fact]
    public void An_await_of_a_completed_CoTask_is_not_a_wait_and_still_completes()
    {
        // Documented choice (docs/concurrency.md rule 12): only CoSched primitives are refused; a CoTask that has
        // already completed hands over its result without touching the coroutine's wait state.
        var s = new Scheduler();
        var condition = new CoCondition(s);
        var log = new List<string>();
        int got = 0;
        s.Spawn(async () =>
        {
            _ = StrayWait(condition, log);
            got = await Completed();
        });
        s.RunUntilIdle();
        Assert.Equal(3, got);
        Assert.Equal(["stray call cancelled"], log);

        static async CoTask<int> Completed()
        {
            await CoTask.CompletedTask;
            return 3;
        }
    }
}
