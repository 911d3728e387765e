using System;
using System.Threading;
using System.Threading.Tasks;
using CoSched;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// An awaitable carried away from the coroutine that created it (to another thread, or to another coroutine) and
/// awaited there is refused at the await, and nothing changes: the coroutine it belongs to, the primitive and the
/// scheduler go on as if the attempt had not been made. The cross-thread attempts are made while the owning coroutine
/// is in the middle of its step (its thread blocked in Join), the case a check of the coroutine alone would let through.
/// </summary>
public class CarriedAwaitableTests
{
    /// <summary>What a foreign builder does with an awaiter: IsCompleted, then OnCompleted or GetResult.</summary>
    private static Exception? AwaitByHand(Func<bool> isCompleted, Action<Action> onCompleted, Action getResult)
    {
        try
        {
            if (isCompleted()) getResult();
            else onCompleted(() => { });
            return null;
        }
        catch (Exception e) { return e; }
    }

    /// <summary>Runs <paramref name="attempt"/> on a new thread and waits for it (the caller's step stays blocked meanwhile).</summary>
    private static Exception? OnAnotherThread(Func<Exception?> attempt)
    {
        Exception? error = null;
        var t = new Thread(() => error = attempt());
        t.Start();
        t.Join();
        return error;
    }

    private static void AssertWrongThread(Exception? e)
    {
        WrongThreadException w = Assert.IsType<WrongThreadException>(e);
        Assert.Contains("Post", w.Message);
    }

    [Fact]
    public void A_pause_awaited_on_another_thread_mid_step_is_refused_and_its_coroutine_goes_on()
    {
        var s = new Scheduler();
        Exception? error = null;
        int pauses = 0;
        s.Spawn(async () =>
        {
            PauseAwaitable p = Co.Pause();
            error = OnAnotherThread(() => AwaitByHand(() => p.IsCompleted, c => p.UnsafeOnCompleted(c), p.GetResult));
            await p; // the same awaitable still works where it belongs
            pauses++;
            await Co.Pause();
            pauses++;
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        AssertWrongThread(error);
        Assert.Equal(2, pauses);
    }

    [Fact]
    public void A_pause_awaited_by_another_coroutine_is_refused_there_and_parks_nobody()
    {
        var s = new Scheduler();
        PauseAwaitable carried = default;
        var created = new TestGate();
        Exception? error = null;
        bool ownerDone = false;
        s.Spawn(async () =>
        {
            carried = Co.Pause();
            created.Open();
            await Co.Pause();
            ownerDone = true;
        });
        s.Spawn(async () =>
        {
            await created.Wait();
            try { await carried; }
            catch (InvalidOperationException e) { error = e; }
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Contains("not the one awaiting it", Assert.IsType<InvalidOperationException>(error).Message);
        Assert.True(ownerDone);
    }

    [Fact]
    public void A_join_awaited_on_another_thread_is_refused_before_and_after_the_target_ends()
    {
        var s = new Scheduler();
        var gate = new TestGate();
        Exception? pending = null, ended = null;
        int result = 0;
        s.Spawn(async () =>
        {
            CoroutineHandle<int> child = s.Spawn(async () => { await gate.Wait(); return 42; });
            JoinAwaitable<int> join = child.Wait();
            pending = OnAnotherThread(() => AwaitByHand(() => join.IsCompleted, c => join.UnsafeOnCompleted(c), () => join.GetResult()));
            gate.Open();
            await Co.Pause();
            await Co.Pause(); // the child has ended: a foreign await would now take the result (GetResult)
            ended = OnAnotherThread(() => AwaitByHand(() => join.IsCompleted, c => join.UnsafeOnCompleted(c), () => join.GetResult()));
            result = await join; // the outcome was not consumed by the refused attempts
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        AssertWrongThread(pending);
        AssertWrongThread(ended);
        Assert.Equal(42, result);
    }

    [Fact]
    public void A_join_awaited_by_another_coroutine_is_refused_and_the_owner_still_joins()
    {
        var s = new Scheduler();
        var gate = new TestGate();
        JoinAwaitable carried = default;
        var created = new TestGate();
        Exception? error = null;
        bool joined = false;
        CoroutineHandle child = s.Spawn(async () => await gate.Wait());
        s.Spawn(async () =>
        {
            carried = child.Wait();
            created.Open();
            await Co.Pause();
            await carried;
            joined = true;
        });
        s.Spawn(async () =>
        {
            await created.Wait();
            try { await carried; }
            catch (InvalidOperationException e) { error = e; }
            gate.Open();
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.IsType<InvalidOperationException>(error);
        Assert.True(joined);
    }

    [Fact]
    public void A_sleep_awaited_on_another_thread_is_refused_and_arms_no_timer()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        Exception? error = null;
        int pendingAfterAttempt = -1;
        bool slept = false;
        s.Spawn(async () =>
        {
            SleepAwaitable sleep = Co.Sleep(TimeSpan.FromSeconds(1));
            error = OnAnotherThread(() => AwaitByHand(() => sleep.IsCompleted, c => sleep.UnsafeOnCompleted(c), sleep.GetResult));
            pendingAfterAttempt = loop.PendingTimerCount;
            await sleep;
            slept = true;
        });
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        AssertWrongThread(error);
        Assert.Equal(0, pendingAfterAttempt);
        Assert.True(slept);
        Assert.Equal(TimeSpan.FromSeconds(1), loop.Now);
    }

    [Fact]
    public void A_lazy_wait_awaited_on_another_thread_is_refused_and_does_not_start_the_initializer()
    {
        var s = new Scheduler();
        var lazy = new CoLazy<int>(async () => { await Co.Pause(); return 7; });
        Exception? error = null;
        int startsAfterAttempt = -1, value = 0;
        s.Spawn(async () =>
        {
            LazyAwaitable<int> wait = lazy.Wait();
            error = OnAnotherThread(() => AwaitByHand(() => wait.IsCompleted, c => wait.UnsafeOnCompleted(c), () => wait.GetResult()));
            startsAfterAttempt = lazy.StartCount;
            value = await wait;
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        AssertWrongThread(error);
        Assert.Equal(0, startsAfterAttempt);
        Assert.Equal(7, value);
        Assert.Equal(1, lazy.StartCount);
    }

    [Fact]
    public void Condition_and_semaphore_waits_awaited_on_another_thread_are_refused_and_change_nothing()
    {
        var s = new Scheduler();
        var cond = new CoCondition(s);
        var sem = new CoSemaphore(s, 1, 0);
        var free = new CoSemaphore(s, 1, 1); // a free permit: the await would take it at once, in IsCompleted
        Exception? condError = null, semError = null, freeError = null;
        int condWaitersAfter = -1, semWaitersAfter = -1;
        bool done = false;
        s.Spawn(async () =>
        {
            ConditionWaitAwaitable w = cond.Wait();
            condError = OnAnotherThread(() => AwaitByHand(() => w.IsCompleted, c => w.UnsafeOnCompleted(c), w.GetResult));
            SemaphoreAcquireAwaitable a = sem.Acquire();
            semError = OnAnotherThread(() => AwaitByHand(() => a.IsCompleted, c => a.UnsafeOnCompleted(c), a.GetResult));
            SemaphoreAcquireAwaitable f = free.Acquire();
            freeError = OnAnotherThread(() => AwaitByHand(() => f.IsCompleted, c => f.UnsafeOnCompleted(c), f.GetResult));
            condWaitersAfter = cond.WaiterCount;
            semWaitersAfter = sem.WaiterCount;
            done = true;
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        AssertWrongThread(condError);
        AssertWrongThread(semError);
        AssertWrongThread(freeError);
        Assert.Equal((0, 0), (condWaitersAfter, semWaitersAfter));
        Assert.Equal(0, sem.Available);
        Assert.Equal(1, free.Available); // the permit was not taken on the other thread
        Assert.True(done);
    }

    [Fact]
    public void Queue_puts_and_gets_awaited_on_another_thread_are_refused_and_the_queue_is_unchanged()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(1, s);
        Exception? putError = null, getError = null;
        int countAfter = -1, got = 0;
        s.Spawn(async () =>
        {
            QueuePutAwaitable<int> put = q.Put(1);
            putError = OnAnotherThread(() => CoQueueTests.Record(() => put.GetAwaiter()));
            QueueGetAwaitable<int> get = q.Get();
            getError = OnAnotherThread(() => CoQueueTests.Record(() => get.GetAwaiter()));
            countAfter = q.Count;
            await q.Put(5);
            got = await q.Get();
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        AssertWrongThread(putError);
        AssertWrongThread(getError);
        Assert.Equal(0, countAfter);
        Assert.Equal(5, got);
    }

    [Fact]
    public void A_queue_put_carried_to_another_coroutine_is_made_by_that_coroutine()
    {
        // A queue awaitable holds no coroutine: whichever coroutine awaits it makes the put (and waits, if it must).
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(0, s); // rendezvous: the put waits for a reader
        QueuePutAwaitable<int> carried = default;
        var created = new TestGate();
        string? putter = null;
        int got = 0;
        s.Spawn(async () => { carried = q.Put(9); created.Open(); await Co.Pause(); }, name: "creator");
        s.Spawn(async () => { await created.Wait(); await carried; putter = "awaiter"; }, name: "awaiter");
        s.Spawn(async () => { await created.Wait(); await Co.Pause(); got = await q.Get(); });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(9, got);
        Assert.Equal("awaiter", putter);
    }

    [Fact]
    public void A_CoTask_awaited_on_another_thread_is_refused_and_its_result_stays_for_the_scheduler()
    {
        var s = new Scheduler();
        using var host = new TestHost(s);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Exception? error = null;
        int result = 0;
        s.RunAsyncMain(async () =>
        {
            CoTask<int> t = Inner(release.Task); // suspended on a .NET task: its box belongs to this scheduler
            CoTask<int>.Awaiter awaiter = t.GetAwaiter();
            error = OnAnotherThread(() => AwaitByHand(() => awaiter.IsCompleted, c => awaiter.UnsafeOnCompleted(c), () => awaiter.GetResult()));
            release.SetResult();
            result = await t; // not registered by the refused attempt: awaited here once, as usual
        });
        Assert.Equal(DrainStatus.Completed, host.DriveToCompletion().Status);
        AssertWrongThread(error);
        Assert.Contains("AsTask", error!.Message);
        Assert.Equal(5, result);

        static async CoTask<int> Inner(Task gate)
        {
            await gate;
            return 5;
        }
    }

    [Fact]
    public void OnCompleted_called_by_hand_without_IsCompleted_is_still_refused_on_another_thread_and_changes_nothing()
    {
        // The CoTask builder's park trusts the IsCompleted the compiler calls just before it; the public OnCompleted
        // cannot, so it checks again. Here nobody calls IsCompleted.
        var s = new Scheduler();
        var condition = new CoCondition(s);
        var semaphore = new CoSemaphore(s, 1, 0);
        var mutex = new CoMutex(s);
        Assert.True(mutex.TryLock());
        var errors = new Exception?[4];
        int pauses = 0;
        s.Spawn(async () =>
        {
            PauseAwaitable p = Co.Pause();
            ConditionWaitAwaitable w = condition.Wait();
            SemaphoreAcquireAwaitable a = semaphore.Acquire();
            MutexLockAwaitable l = mutex.LockAsync();
            errors[0] = OnAnotherThread(() => Catch(() => p.UnsafeOnCompleted(() => { })));
            errors[1] = OnAnotherThread(() => Catch(() => w.UnsafeOnCompleted(() => { })));
            errors[2] = OnAnotherThread(() => Catch(() => a.OnCompleted(() => { })));
            errors[3] = OnAnotherThread(() => Catch(() => l.OnCompleted(() => { })));
            await p;
            pauses++;
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        foreach (Exception? e in errors) AssertWrongThread(e);
        Assert.Equal(1, pauses);
        Assert.Equal(0, condition.WaiterCount);
        Assert.Equal(0, semaphore.WaiterCount);
        Assert.True(mutex.IsLocked);

        static Exception? Catch(Action a)
        {
            try { a(); return null; }
            catch (Exception e) { return e; }
        }
    }
}
