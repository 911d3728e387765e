using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CoSched;
using CoSched.Host;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// A misused await (the coroutine already waits on an unawaited CoTask, an awaitable carried to another coroutine or
/// thread, a CoTask awaited twice, a coroutine joining itself) is refused as an ordinary exception at the await: the
/// awaiting method's finally blocks and using scopes run, so a lock it holds is released and nothing is lost
/// (reliability bug 10). Before, the refusal came from the awaiter's OnCompleted, after the compiler-generated method
/// had marked itself suspended, and its finally blocks were skipped: the lock stayed held by a dead coroutine.
/// </summary>
public class MisuseFinallyTests
{
    /// <summary>Suspends once: called without await, it leaves its coroutine waiting on the pause.</summary>
    private static async CoTask SuspendOnce() => await Co.Pause();

    /// <summary>The awaits a coroutine can misuse after leaving a CoTask unawaited; each must suspend (nothing ready).</summary>
    public static TheoryData<string> Awaits() => new()
    {
        "pause", "condition", "semaphore", "mutex", "queue get", "queue put", "join", "lazy", "sleep", "timer", "run blocking",
    };

    [Theory]
    [MemberData(nameof(Awaits))]
    public void An_await_while_an_unawaited_CoTask_holds_the_coroutine_throws_at_the_await_and_finally_blocks_run(string kind)
    {
        var w = new BlockedWaitWorld();
        var log = new List<string>();
        bool workRan = false;
        CoroutineHandle h = w.S.Spawn(async () =>
        {
            using (await w.Lock.LockAsync())
            {
                try
                {
                    _ = SuspendOnce(); // misuse: the coroutine now waits on this call's pause
                    // The misused await sits in the method with the finally block (through a helper CoTask method, the
                    // helper would fail and this method would see an ordinary exception at its await of the helper).
                    switch (kind)
                    {
                        case "pause": await Co.Pause(); break;
                        case "condition": await w.Condition.Wait(); break;
                        case "semaphore": await w.Empty.Acquire(); break;
                        case "mutex": using (await w.Taken.LockAsync()) { } break;
                        case "queue get": await w.EmptyQueue.Get(); break;
                        case "queue put": await w.FullQueue.Put(1); break;
                        case "join": await w.Pending.Wait(); break;
                        case "lazy": await w.Lazy.Wait(); break;
                        case "sleep": await Co.Sleep(TimeSpan.FromSeconds(1)); break;
                        case "timer": await w.Timer.Wait(); break;
                        case "run blocking": await Co.RunBlocking(() => workRan = true); break;
                        default: throw new ArgumentException(kind);
                    }
                    log.Add("after the await");
                }
                finally { log.Add("finally"); }
            }
        });
        w.S.RunUntilIdle();

        Assert.Equal(["finally"], log);
        Assert.Equal(CoroutineState.Failed, h.State);
        Assert.Contains("already waiting", Assert.IsType<InvalidOperationException>(h.Exception).Message);
        Assert.False(w.Lock.IsLocked); // the using scope released the lock: nothing is held by the dead coroutine
        // Nothing else changed: no waiter was left behind on the primitive the await was refused on.
        Assert.Equal(0, w.Condition.WaiterCount);
        Assert.Equal(0, w.EmptyQueue.ParkedReaders);
        Assert.Equal(0, w.FullQueue.ParkedWriters);
        Assert.Equal(0, w.Empty.Available);
        Assert.True(w.Taken.IsLocked);
        Assert.False(workRan); // RunBlocking refused before its work started

        // And the lock is usable: another coroutine takes it at once.
        bool taken = false;
        w.S.Spawn(async () => { using (await w.Lock.LockAsync()) taken = true; });
        w.S.RunUntilIdle();
        Assert.True(taken);
    }

    [Fact]
    public void A_pause_carried_to_another_coroutine_is_refused_at_the_await_and_its_lock_is_released()
    {
        var s = new Scheduler();
        var m = new CoMutex(s);
        var log = new List<string>();
        PauseAwaitable carried = default;
        s.Spawn(async () => { carried = Co.Pause(); await Co.Pause(); await Co.Pause(); });
        CoroutineHandle h = s.Spawn(async () =>
        {
            using (await m.LockAsync())
            {
                try { await carried; }
                finally { log.Add("finally"); }
            }
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(["finally"], log);
        Assert.Contains("not the one awaiting it", Assert.IsType<InvalidOperationException>(h.Exception).Message);
        Assert.False(m.IsLocked);
    }

    [Fact]
    public void A_coroutine_joining_itself_is_refused_at_the_await_and_its_finally_runs()
    {
        var s = new Scheduler();
        var log = new List<string>();
        CoroutineHandle self = default;
        self = s.Spawn(async () =>
        {
            try { await self.Wait(); }
            finally { log.Add("finally"); }
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(["finally"], log);
        Assert.Contains("itself", Assert.IsType<InvalidOperationException>(self.Exception).Message);
    }

    [Fact]
    public void A_CoTask_awaited_a_second_time_is_refused_at_the_await_and_the_second_awaiters_finally_runs()
    {
        var s = new Scheduler();
        var gate = new TestGate();
        var log = new List<string>();
        CoTask shared = default;
        var started = new TestGate();
        CoroutineHandle first = s.Spawn(async () =>
        {
            shared = Wait(gate);
            started.Open();
            await shared;
            log.Add("first awaited");
        });
        CoroutineHandle second = s.Spawn(async () =>
        {
            await started.Wait();
            try { await shared; }
            finally { log.Add("second finally"); }
            gate.Open();
        });
        s.RunUntilIdle();
        gate.Open(); // the second coroutine failed before opening it
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(["second finally", "first awaited"], log);
        Assert.Contains("already being awaited", Assert.IsType<InvalidOperationException>(second.Exception).Message);
        Assert.Equal(CoroutineState.Done, first.State);

        static async CoTask Wait(TestGate gate) => await gate.Wait();
    }

    [Fact]
    public void An_awaitable_carried_to_another_thread_is_refused_at_the_await_there_and_that_methods_finally_runs()
    {
        var s = new Scheduler();
        Task? pauseAttempt = null, cotaskAttempt = null;
        bool pauseFinally = false, cotaskFinally = false, done = false;
        s.Spawn(async () =>
        {
            PauseAwaitable p = Co.Pause();
            CoTask pending = SuspendOnce();
            // The coroutine's step is blocked in Join while the other thread tries (the case a coroutine check alone misses).
            var t = new Thread(() =>
            {
                pauseAttempt = AwaitPauseElsewhere(p, () => pauseFinally = true);
                cotaskAttempt = AwaitCoTaskElsewhere(pending, () => cotaskFinally = true);
            });
            t.Start();
            t.Join();
            await pending; // both still work where they belong
            await Co.Pause();
            done = true;
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.True(done);
        Assert.IsType<WrongThreadException>(pauseAttempt!.Exception!.InnerException);
        Assert.IsType<WrongThreadException>(cotaskAttempt!.Exception!.InnerException);
        Assert.True(pauseFinally);
        Assert.True(cotaskFinally);

        static async Task AwaitPauseElsewhere(PauseAwaitable p, Action onFinally)
        {
            try { await p; }
            finally { onFinally(); }
        }

        static async Task AwaitCoTaskElsewhere(CoTask t, Action onFinally)
        {
            try { await t; }
            finally { onFinally(); }
        }
    }

    [Fact]
    public void A_frame_wait_after_an_unawaited_CoTask_is_refused_at_the_await_and_its_lock_is_released()
    {
        var host = new GameLoopHost();
        Scheduler s = host.Scheduler;
        var m = new CoMutex(s);
        var log = new List<string>();
        CoroutineHandle h = s.Spawn(async () =>
        {
            using (await m.LockAsync())
            {
                try
                {
                    _ = SuspendOnce();
                    await Co.NextFrame();
                    log.Add("after the await");
                }
                finally { log.Add("finally"); }
            }
        });
        s.RunUntilIdle();
        Assert.Equal(["finally"], log);
        Assert.Contains("already waiting", Assert.IsType<InvalidOperationException>(h.Exception).Message);
        Assert.False(m.IsLocked);
    }

    [Fact]
    public void A_task_group_or_timeout_opened_after_an_unawaited_CoTask_is_refused_before_anything_starts()
    {
        // The opener could not wait for the children: a group released under live children would corrupt the pool.
        var w = new BlockedWaitWorld();
        var log = new List<string>();
        var errors = new List<Exception>();
        foreach (string kind in new[] { "group", "typed group", "timeout", "when all" })
        {
            w.S.Spawn(async () =>
            {
                _ = SuspendOnce();
                try
                {
                    switch (kind)
                    {
                        case "group":
                            await Co.WithTaskGroup(g => { log.Add("group body ran"); return CoTask.CompletedTask; });
                            break;
                        case "typed group":
                            await Co.WithTaskGroup<int>(g => { log.Add("typed group body ran"); return new CoTask<int>(1); });
                            break;
                        case "timeout":
                            await Co.WithTimeout(TimeSpan.FromSeconds(1), () => { log.Add("timeout body ran"); return CoTask.CompletedTask; });
                            break;
                        default:
                            await Co.WhenAll(new Func<CoTask<int>>[] { () => { log.Add("when all body ran"); return new CoTask<int>(1); } });
                            break;
                    }
                }
                catch (InvalidOperationException e) { errors.Add(e); }
            });
        }
        w.S.RunUntilIdle();
        Assert.Empty(log);
        Assert.Equal(4, errors.Count);
        Assert.All(errors, e => Assert.Contains("already waiting", e.Message));
        Assert.Equal(1, w.S.LiveCoroutines); // only the world's Pending coroutine: no orphaned child
    }
}
