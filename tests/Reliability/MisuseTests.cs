using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using CoSched;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// Every public type's members used the wrong way: from another thread, outside any coroutine, with bad arguments,
/// after a close or an end, awaited twice. Each throws the exception DESIGN.md §8 documents, at the call, and afterwards
/// the same scheduler and primitives still run work (<see cref="MisuseWorld.AssertStillWorks"/>).
/// </summary>
public class MisuseTests
{
    private static readonly Func<CoTask> Nothing = () => CoTask.CompletedTask;
    private static readonly Func<CoTask<int>> One = () => CoTask.FromResult(1);

    private static object[] Case(string member, Action<MisuseWorld> call) => new object[] { member, call };

    public static IEnumerable<object[]> WrongThreadCases() => new[]
    {
        Case("Scheduler.Spawn", w => w.S.Spawn(Nothing)),
        Case("Scheduler.Spawn<T>", w => w.S.Spawn(One)),
        Case("Scheduler.SpawnBackground", w => w.S.SpawnBackground(Nothing)),
        Case("Scheduler.RunAsyncMain", w => w.S.RunAsyncMain(Nothing)),
        Case("Scheduler.RunAsyncMain<T>", w => w.S.RunAsyncMain(One)),
        Case("Scheduler.RunUntilIdle()", w => w.S.RunUntilIdle()),
        Case("Scheduler.RunUntilIdle(budget)", w => w.S.RunUntilIdle(DrainBudget.Steps(1))),
        Case("Scheduler.LiveCoroutines", w => _ = w.S.LiveCoroutines),
        Case("Scheduler.AttachEventLoop", w => w.S.AttachEventLoop(w.Loop)),
        Case("Scheduler.AcquireFeederLease", w => w.S.AcquireFeederLease()),
        Case("Scheduler.DescribeCoroutines", w => w.S.DescribeCoroutines()),
        Case("CoroutineHandle.State", w => _ = w.Handle.State),
        Case("CoroutineHandle.IsCompleted", w => _ = w.Handle.IsCompleted),
        Case("CoroutineHandle.Name", w => _ = w.Handle.Name),
        Case("CoroutineHandle.Exception", w => _ = w.Handle.Exception),
        Case("CoroutineHandle.Cancel", w => w.Handle.Cancel()),
        Case("CoroutineHandle.Wait", w => w.Handle.Wait()),
        Case("CoroutineHandle.TryGetResult", w => w.Handle.TryGetResult()),
        Case("CoroutineHandle<T>.State", w => _ = w.HandleOfT.State),
        Case("CoroutineHandle<T>.IsCompleted", w => _ = w.HandleOfT.IsCompleted),
        Case("CoroutineHandle<T>.Name", w => _ = w.HandleOfT.Name),
        Case("CoroutineHandle<T>.Exception", w => _ = w.HandleOfT.Exception),
        Case("CoroutineHandle<T>.Cancel", w => w.HandleOfT.Cancel()),
        Case("CoroutineHandle<T>.Wait", w => w.HandleOfT.Wait()),
        Case("CoroutineHandle<T>.TryGetResult", w => w.HandleOfT.TryGetResult(out _)),
        Case("TaskGroup.Name", w => _ = w.Group.Name),
        Case("TaskGroup.IsCancelling", w => _ = w.Group.IsCancelling),
        Case("TaskGroup.Spawn", w => w.Group.Spawn(Nothing)),
        Case("TaskGroup.Spawn<T>", w => w.Group.Spawn(One)),
        Case("TaskGroup.SpawnBackground", w => w.Group.SpawnBackground(Nothing)),
        Case("TaskGroup.AddDefer(async)", w => w.Group.AddDefer(Nothing)),
        Case("TaskGroup.AddDefer(sync)", w => w.Group.AddDefer(() => { })),
        Case("TaskGroup.ReturnImmediately", w => w.Group.ReturnImmediately()),
        Case("TaskGroup<T>.Name", w => _ = w.GroupOfT.Name),
        Case("TaskGroup<T>.IsCancelling", w => _ = w.GroupOfT.IsCancelling),
        Case("TaskGroup<T>.Spawn", w => w.GroupOfT.Spawn(Nothing)),
        Case("TaskGroup<T>.Spawn<T>", w => w.GroupOfT.Spawn(One)),
        Case("TaskGroup<T>.SpawnBackground", w => w.GroupOfT.SpawnBackground(Nothing)),
        Case("TaskGroup<T>.AddDefer(async)", w => w.GroupOfT.AddDefer(Nothing)),
        Case("TaskGroup<T>.AddDefer(sync)", w => w.GroupOfT.AddDefer(() => { })),
        Case("TaskGroup<T>.ReturnImmediately", w => w.GroupOfT.ReturnImmediately(2)),
        Case("CoQueue.Unbounded(scheduler)", w => CoQueue<int>.Unbounded(w.S)),
        Case("CoQueue.Blocking(n, scheduler)", w => CoQueue<int>.Blocking(1, w.S)),
        Case("CoQueue.DiscardOldest(n, scheduler)", w => CoQueue<int>.DiscardOldest(1, w.S)),
        Case("CoQueue.DiscardLatest(n, scheduler)", w => CoQueue<int>.DiscardLatest(1, w.S)),
        Case("CoQueue.Kind", w => _ = w.Queue.Kind),
        Case("CoQueue.Capacity", w => _ = w.Queue.Capacity),
        Case("CoQueue.Count", w => _ = w.Queue.Count),
        Case("CoQueue.IsClosed", w => _ = w.Queue.IsClosed),
        Case("CoQueue.Put", w => w.Queue.Put(1).GetAwaiter()), // the put is checked where it happens: at the await
        Case("CoQueue.TryPut", w => w.Queue.TryPut(1)),
        Case("CoQueue.Get", w => w.Queue.Get().GetAwaiter()),
        Case("CoQueue.TryGet", w => w.Queue.TryGet(out _)),
        Case("CoQueue.Close", w => w.Queue.Close()),
        Case("CoQueue.GetAsyncEnumerator", w => w.Queue.GetAsyncEnumerator()),
        Case("CoQueueEnumerator.Current", w => _ = w.Enumerator.Current),
        Case("CoQueueEnumerator.MoveNextAsync", w => w.Enumerator.MoveNextAsync()),
        Case("CoQueueEnumerator.DisposeAsync", w => w.Enumerator.DisposeAsync()),
        Case("new CoSemaphore(scheduler, size)", w => _ = new CoSemaphore(w.S, 1)),
        Case("CoSemaphore.Size", w => _ = w.Semaphore.Size),
        Case("CoSemaphore.Available", w => _ = w.Semaphore.Available),
        Case("CoSemaphore.Acquire", w => _ = w.Semaphore.Acquire().IsCompleted), // checked at the await
        Case("CoSemaphore.TryAcquire", w => w.Semaphore.TryAcquire()),
        Case("CoSemaphore.Release", w => w.Semaphore.Release()),
        Case("new CoMutex(scheduler)", w => _ = new CoMutex(w.S)),
        Case("CoMutex.IsLocked", w => _ = w.Mutex.IsLocked),
        Case("CoMutex.LockAsync", w => _ = w.Mutex.LockAsync().IsCompleted),
        Case("CoMutex.TryLock", w => w.Mutex.TryLock()),
        Case("CoMutex.Unlock", w => w.Mutex.Unlock()),
        Case("new CoCondition(scheduler)", w => _ = new CoCondition(w.S)),
        Case("CoCondition.Wait", w => _ = w.Condition.Wait().IsCompleted),
        Case("CoCondition.Signal", w => w.Condition.Signal()),
        Case("CoCondition.Broadcast", w => w.Condition.Broadcast()),
        Case("new CoTimer(scheduler, dueIn)", w => _ = new CoTimer(w.S, TimeSpan.FromSeconds(1))),
        Case("CoTimer.Deadline", w => _ = w.Timer.Deadline),
        Case("CoTimer.IsArmed", w => _ = w.Timer.IsArmed),
        Case("CoTimer.HasFired", w => _ = w.Timer.HasFired),
        Case("CoTimer.WaiterCount", w => _ = w.Timer.WaiterCount),
        Case("CoTimer.Wait", w => w.Timer.Wait()),
        Case("CoTimer.Cancel", w => w.Timer.Cancel()),
        Case("CoTimer.Refresh", w => w.Timer.Refresh()),
        Case("CoTimer.Reset", w => w.Timer.Reset(TimeSpan.FromSeconds(1))),
        Case("new VirtualEventLoop(scheduler)", w => _ = new VirtualEventLoop(w.S)),
        Case("VirtualEventLoop.RunUntilIdle", w => w.Loop.RunUntilIdle()),
        Case("VirtualEventLoop.AdvanceBy", w => w.Loop.AdvanceBy(TimeSpan.FromSeconds(1))),
        Case("EventLoopBase.PendingTimerCount", w => _ = w.Loop.PendingTimerCount),
    };

    [Theory]
    [MemberData(nameof(WrongThreadCases))]
    public void Every_member_called_from_another_thread_throws_WrongThreadException(string member, Action<MisuseWorld> call)
    {
        var w = new MisuseWorld();
        Exception? error = OnAnotherThread(() => call(w));
        WrongThreadException e = Assert.IsType<WrongThreadException>(error);
        Assert.Contains("Post", e.Message); // says what to do instead
        Assert.Contains(Environment.CurrentManagedThreadId.ToString(), e.Message); // names the scheduler's thread
        w.AssertStillWorks();
        _ = member;
    }

    [Fact]
    public async Task The_thread_safe_doors_work_from_another_thread_and_the_scheduler_runs_what_came_through_them()
    {
        var w = new MisuseWorld();
        int posted = 0, raised = 0;
        w.S.WorkAvailable += () => Interlocked.Increment(ref raised);
        Task<int>? invoked = null;
        Exception? error = OnAnotherThread(() =>
        {
            w.S.Post(() => posted++);
            invoked = w.S.InvokeAsync(() => w.Queue.TryPut(5) ? 5 : -1);
            _ = w.S.IsOnSchedulerThread;
            _ = Scheduler.Current;
        });
        Assert.Null(error);
        Assert.Equal(1, raised);
        w.S.RunUntilIdle();
        Assert.Equal(1, posted);
        Assert.True(invoked!.IsCompleted);
        Assert.Equal(5, await invoked); // completed: the await does not leave this thread
        Assert.True(w.Queue.TryGet(out int item) && item == 5);
        w.AssertStillWorks();
    }

    public static IEnumerable<object[]> OutsideCoroutineCases() => new[]
    {
        Case("Co.Pause", _ => Co.Pause()),
        Case("Co.IsBeingCancelled", w => _ = Co.IsBeingCancelled),
        Case("Co.CancellationToken", w => _ = Co.CancellationToken),
        Case("Co.ThrowIfCancelled", _ => Co.ThrowIfCancelled()),
        Case("Co.ProtectFromCancel", _ => Co.ProtectFromCancel(Nothing).GetAwaiter().GetResult()),
        Case("Co.Sleep", _ => Co.Sleep(TimeSpan.FromSeconds(1))),
        Case("Co.WithTimeout", _ => Co.WithTimeout(TimeSpan.FromSeconds(1), Nothing)),
        Case("Co.WithTimeoutOrDefault", _ => Co.WithTimeoutOrDefault(TimeSpan.FromSeconds(1), One)),
        Case("Co.RunBlocking", _ => Co.RunBlocking(() => 1)),
        Case("Co.WithTaskGroup", _ => Co.WithTaskGroup(_ => CoTask.CompletedTask)),
        Case("Co.WhenAll", _ => Co.WhenAll(new[] { One }).GetAwaiter().GetResult()),
        Case("Co.WhenAny", _ => Co.WhenAny(new[] { One }).GetAwaiter().GetResult()),
        Case("Co.Retry", _ => Co.Retry(One, RetryPolicy.Immediate).GetAwaiter().GetResult()),
        Case("CoQueue.Put", w => w.Queue.Put(1).GetAwaiter()), // the put is checked where it happens: at the await
        Case("CoQueue.Get", w => w.Queue.Get().GetAwaiter()),
        Case("CoQueueEnumerator.MoveNextAsync", w => w.Enumerator.MoveNextAsync()),
        Case("CoSemaphore.Acquire", w => _ = w.Semaphore.Acquire().IsCompleted), // checked at the await
        Case("CoMutex.LockAsync", w => _ = w.Mutex.LockAsync().IsCompleted),
        Case("CoCondition.Wait", w => _ = w.Condition.Wait().IsCompleted),
        Case("CoroutineHandle.Wait", w => w.Handle.Wait()),
        Case("CoroutineHandle<T>.Wait", w => w.HandleOfT.Wait()),
        Case("CoLazy.Wait", w => w.Lazy.Wait()),
        Case("CoTimer.Wait", w => w.Timer.Wait()),
        Case("new CoTimer(dueIn)", w => _ = new CoTimer(TimeSpan.FromSeconds(1))),
        Case("CoQueue.Unbounded()", _ => CoQueue<int>.Unbounded()),
        Case("new CoSemaphore(size, initial)", w => _ = new CoSemaphore(1, 1)),
        Case("new CoMutex()", w => _ = new CoMutex()),
        Case("new CoCondition()", w => _ = new CoCondition()),
    };

    [Theory]
    [MemberData(nameof(OutsideCoroutineCases))]
    public void Every_coroutine_call_outside_any_coroutine_throws_InvalidOperationException(string member, Action<MisuseWorld> call)
    {
        var w = new MisuseWorld();
        // On the scheduler's own thread, between drains: the right thread, but no coroutine is running.
        Exception? error = Catch(() => call(w));
        InvalidOperationException e = Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("outside any coroutine", e.Message);
        Assert.True(e.Message.Contains("Spawn", StringComparison.Ordinal) || e.Message.Contains("Pass the scheduler", StringComparison.Ordinal),
                    $"{member}: the message does not say what to do: {e.Message}");
        w.AssertStillWorks();
    }

    public static IEnumerable<object[]> BadArgumentCases() => new[]
    {
        BadArgument<ArgumentOutOfRangeException>("CoQueue.Blocking(-1)", w => CoQueue<int>.Blocking(-1, w.S)),
        BadArgument<ArgumentOutOfRangeException>("CoQueue.DiscardOldest(-1)", w => CoQueue<int>.DiscardOldest(-1, w.S)),
        BadArgument<ArgumentOutOfRangeException>("CoQueue.DiscardLatest(-1)", w => CoQueue<int>.DiscardLatest(-1, w.S)),
        BadArgument<ArgumentOutOfRangeException>("new CoSemaphore(s, 0)", w => _ = new CoSemaphore(w.S, 0)),
        BadArgument<ArgumentOutOfRangeException>("new CoSemaphore(s, 2, 3)", w => _ = new CoSemaphore(w.S, 2, 3)),
        BadArgument<ArgumentOutOfRangeException>("new CoSemaphore(s, 2, -1)", w => _ = new CoSemaphore(w.S, 2, -1)),
        BadArgument<ArgumentOutOfRangeException>("DrainBudget.Steps(0)", _ => DrainBudget.Steps(0)),
        BadArgument<ArgumentOutOfRangeException>("DrainBudget.Time(0)", _ => DrainBudget.Time(TimeSpan.Zero)),
        BadArgument<ArgumentOutOfRangeException>("DrainBudget.WithMaxSteps(0)", _ => DrainBudget.Unlimited.WithMaxSteps(0)),
        BadArgument<ArgumentOutOfRangeException>("RetryPolicy.FixedDelay(-1 ms)", _ => RetryPolicy.FixedDelay(TimeSpan.FromMilliseconds(-1))),
        BadArgument<ArgumentOutOfRangeException>("RetryPolicy.ExponentialDelay(factor 0.5)", _ => RetryPolicy.ExponentialDelay(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 0.5)),
        BadArgument<ArgumentOutOfRangeException>("RetryPolicy.ExponentialDelay(max < initial)", _ => RetryPolicy.ExponentialDelay(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1))),
        BadArgument<ArgumentOutOfRangeException>("new CoTimer(s, -1 ms)", w => _ = new CoTimer(w.S, TimeSpan.FromMilliseconds(-1))),
        BadArgument<ArgumentOutOfRangeException>("CoTimer.Reset(-1 ms)", w => w.Timer.Reset(TimeSpan.FromMilliseconds(-1))),
        BadArgument<ArgumentOutOfRangeException>("VirtualEventLoop.AdvanceBy(-1 ms)", w => w.Loop.AdvanceBy(TimeSpan.FromMilliseconds(-1))),
        BadArgument<ArgumentOutOfRangeException>("VirtualClock.Advance(-1 ms)", w => w.Loop.Clock.Advance(TimeSpan.FromMilliseconds(-1))),
        BadArgument<ArgumentOutOfRangeException>("HostClock.Advance(-1 ms)", _ => new HostClock().Advance(TimeSpan.FromMilliseconds(-1))),
        BadArgument<ArgumentOutOfRangeException>("HostClock.TimeScale = -1", _ => new HostClock().TimeScale = -1),
        BadArgument<ArgumentOutOfRangeException>("Co.Sleep(-1 ms)", w => InCoroutine(w, async () => await Co.Sleep(TimeSpan.FromMilliseconds(-1)))),
        BadArgument<ArgumentOutOfRangeException>("Co.WithTimeout(-2 ms)", w => InCoroutine(w, () => Co.WithTimeout(TimeSpan.FromMilliseconds(-2), Nothing))),
        BadArgument<ArgumentOutOfRangeException>("Co.WhenAll(maxConcurrency -1)", w => InCoroutine(w, () => Co.WhenAll(new[] { One }, -1))),
        BadArgument<ArgumentOutOfRangeException>("Co.Retry(maxAttempts 0)", w => InCoroutine(w, () => Co.Retry(One, RetryPolicy.Immediate, maxAttempts: 0))),
        BadArgument<ArgumentException>("Co.WhenAny(no bodies)", w => InCoroutine(w, () => Co.WhenAny(Array.Empty<Func<CoTask<int>>>()))),
        BadArgument<ArgumentException>("Co.WhenAll(a null body)", w => InCoroutine(w, () => Co.WhenAll(new Func<CoTask<int>>[] { null! }))),
        BadArgument<ArgumentNullException>("Scheduler.Spawn(null)", w => w.S.Spawn((Func<CoTask>)null!)),
        BadArgument<ArgumentNullException>("Scheduler.SpawnBackground(null)", w => w.S.SpawnBackground(null!)),
        BadArgument<ArgumentNullException>("Scheduler.RunAsyncMain(null)", w => w.S.RunAsyncMain((Func<CoTask>)null!)),
        BadArgument<ArgumentNullException>("Scheduler.Post(null)", w => w.S.Post(null!)),
        BadArgument<ArgumentNullException>("Scheduler.InvokeAsync(null)", w => w.S.InvokeAsync((Func<int>)null!)),
        BadArgument<ArgumentNullException>("Scheduler.AttachEventLoop(null)", w => w.S.AttachEventLoop(null!)),
        BadArgument<ArgumentNullException>("TaskGroup.Spawn(null)", w => w.Group.Spawn((Func<CoTask>)null!)),
        BadArgument<ArgumentNullException>("TaskGroup.AddDefer(null)", w => w.Group.AddDefer((Action)null!)),
        BadArgument<ArgumentNullException>("new CoLazy(null)", w => _ = new CoLazy<int>(null!)),
        BadArgument<ArgumentNullException>("new CoCondition(null)", w => _ = new CoCondition(null!)),
        BadArgument<ArgumentNullException>("new CoSemaphore(null, 1)", w => _ = new CoSemaphore(null!, 1)),
        BadArgument<ArgumentNullException>("Co.WithTaskGroup(null)", w => InCoroutine(w, () => Co.WithTaskGroup(null!))),
        BadArgument<ArgumentNullException>("Co.ProtectFromCancel(null)", w => InCoroutine(w, () => Co.ProtectFromCancel(null!))),
        BadArgument<ArgumentNullException>("Co.RunBlocking(null)", w => InCoroutine(w, () => Co.RunBlocking((Action)null!))),
        BadArgument<ArgumentNullException>("CoTask.FromException(null)", _ => CoTask.FromException(null!)),
    };

    private static object[] BadArgument<TException>(string call, Action<MisuseWorld> action) where TException : Exception =>
        new object[] { call, action, typeof(TException) };

    [Theory]
    [MemberData(nameof(BadArgumentCases))]
    public void Bad_arguments_throw_the_documented_argument_exception_at_the_call(string call, Action<MisuseWorld> action, Type expected)
    {
        var w = new MisuseWorld();
        Exception? error = Catch(() => action(w));
        Assert.True(error?.GetType() == expected, $"{call}: expected {expected.Name}, got {error?.GetType().Name ?? "nothing"}: {error?.Message}");
        Assert.False(string.IsNullOrWhiteSpace(error!.Message));
        w.AssertStillWorks();
    }

    [Fact]
    public void Releasing_beyond_the_size_or_unlocking_an_unlocked_mutex_throws_SemaphoreFullException_and_changes_nothing()
    {
        var w = new MisuseWorld();
        Assert.Throws<SemaphoreFullException>(() => w.Semaphore.Release());
        Assert.Equal(2, w.Semaphore.Available);
        Assert.True(w.Semaphore.TryAcquire());
        w.Semaphore.Release();
        Assert.Throws<SemaphoreFullException>(() => w.Semaphore.Release());
        Assert.Equal(2, w.Semaphore.Available);
        Assert.Throws<SemaphoreFullException>(() => w.Mutex.Unlock());
        Assert.False(w.Mutex.IsLocked);
        Assert.True(w.Mutex.TryLock());
        Assert.False(w.Mutex.TryLock());
        w.Mutex.Unlock();
        w.AssertStillWorks();
    }

    [Fact]
    public void A_closed_queue_refuses_puts_and_drained_gets_with_QueueClosedException_or_the_close_error()
    {
        var w = new MisuseWorld();
        var q = CoQueue<int>.Unbounded(w.S);
        var failing = CoQueue<int>.Unbounded(w.S);
        var closeError = new InvalidDataException("producer failed");
        Assert.True(q.TryPut(1));
        q.Close();
        failing.Close(closeError);
        Assert.Throws<QueueClosedException>(() => q.TryPut(2));
        Assert.True(q.TryGet(out int one) && one == 1); // buffered items still drain
        Assert.Throws<QueueClosedException>(() => q.TryGet(out _));
        Assert.Same(closeError, Assert.Throws<InvalidDataException>(() => failing.TryGet(out _)));
        var seen = new List<Exception>();
        w.S.Spawn(async () =>
        {
            try { await q.Put(3); } catch (Exception e) { seen.Add(e); }
            try { await q.Get(); } catch (Exception e) { seen.Add(e); }
            try { await failing.Put(3); } catch (Exception e) { seen.Add(e); }
            await foreach (int _ in q) seen.Add(new InvalidOperationException("read an item from a closed, drained queue"));
            try { await foreach (int _ in failing) { } } catch (Exception e) { seen.Add(e); }
        });
        w.S.RunUntilIdle();
        Assert.Collection(seen,
            e => Assert.IsType<QueueClosedException>(e),
            e => Assert.IsType<QueueClosedException>(e),
            e => Assert.Same(closeError, e),
            e => Assert.Same(closeError, e));
        w.AssertStillWorks();
    }

    [Fact]
    public void Handles_and_groups_used_after_their_end_throw_InvalidOperationException()
    {
        var w = new MisuseWorld();
        TaskGroup kept = default;
        CoroutineHandle child = default;
        CoroutineHandle<int> joined = default;
        var errors = new List<Exception?>();
        w.S.Spawn(async () =>
        {
            await Co.WithTaskGroup(async g =>
            {
                kept = g;
                child = g.Spawn(Nothing);
                joined = g.Spawn(One);
                Assert.Equal(1, await joined.Wait()); // consumes the outcome
                errors.Add(await CatchAsync(async () => await joined.Wait()));
                errors.Add(Catch(() => joined.Cancel()));
                g.AddDefer(() => errors.Add(Catch(() => g.Spawn(Nothing)))); // spawning from a defer
                g.AddDefer(() => errors.Add(Catch(() => g.AddDefer(() => { }))));
            });
            // The group has ended: its handle and its children's handles are stale (their records may be reused).
            errors.Add(Catch(() => kept.Spawn(Nothing)));
            errors.Add(Catch(() => _ = kept.IsCancelling));
            errors.Add(Catch(() => kept.AddDefer(() => { })));
            errors.Add(Catch(() => kept.ReturnImmediately()));
            errors.Add(Catch(() => _ = child.State));
            errors.Add(Catch(() => child.Cancel()));
            errors.Add(await CatchAsync(async () => await child.Wait()));
        });
        w.S.RunUntilIdle();
        Assert.Equal(11, errors.Count);
        Assert.All(errors, e => Assert.IsType<InvalidOperationException>(e));
        Assert.IsType<InvalidOperationException>(Catch(() => default(TaskGroup).Spawn(Nothing)));
        Assert.IsType<InvalidOperationException>(Catch(() => default(CoroutineHandle).Cancel()));
        Assert.IsType<InvalidOperationException>(Catch(() => default(CoroutineHandle<int>).Wait()));
        w.AssertStillWorks();
    }

    [Fact]
    public void Scheduler_misuse_reentrant_drain_second_main_second_loop_double_lease_is_refused_and_changes_nothing()
    {
        var w = new MisuseWorld();
        var other = new Scheduler();
        Exception? reentrant = null, secondMain = null;
        CoroutineHandle main = other.RunAsyncMain(async () =>
        {
            reentrant = Catch(() => other.RunUntilIdle());
            secondMain = Catch(() => other.RunAsyncMain(Nothing));
            await Co.Pause();
        });
        Assert.IsType<InvalidOperationException>(reentrant);
        Assert.IsType<InvalidOperationException>(secondMain);
        Assert.Equal(CoroutineState.Done, main.State);
        Assert.Equal(0, other.LiveCoroutines); // the refused main was not spawned
        Assert.IsType<InvalidOperationException>(Catch(() => w.S.AttachEventLoop(new VirtualEventLoop(other))));
        Assert.Same(w.Loop, w.S.EventLoop);
        // A lease disposed twice is released once: with another lease open, blocked coroutines are still Idle.
        IDisposable a = w.S.AcquireFeederLease(), b = w.S.AcquireFeederLease();
        a.Dispose();
        a.Dispose();
        w.Timer.Cancel();
        DrainResult r = w.S.RunUntilIdle();
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.True(r.ExternalWaitsPending);
        b.Dispose();
        Assert.Equal(DrainStatus.Deadlock, w.S.RunUntilIdle().Status);
        w.AssertStillWorks();
    }

    [Fact]
    public void Awaiting_twice_or_reading_a_result_early_throws_InvalidOperationException_never_a_wrong_result()
    {
        var w = new MisuseWorld();
        var errors = new List<Exception?>();
        w.S.Spawn(async () =>
        {
            CoTask<int> task = Twice();
            Assert.Equal(2, await task);
            errors.Add(await CatchAsync(async () => await task));
            CoTask pending = PauseOnce();
            errors.Add(Catch(() => pending.GetAwaiter().GetResult())); // not completed: must be awaited, never blocks
            await pending;
            errors.Add(await CatchAsync(async () => await pending));
            // The result of a pending queue get read before it completed, then read again.
            QueueGetAwaitable<int>.Awaiter early = w.Queue.Get().GetAwaiter();
            errors.Add(Catch(() => early.GetResult()));
            errors.Add(Catch(() => early.GetResult()));
            // A join read after the outcome was consumed.
            CoroutineHandle<int> h = w.S.Spawn(One);
            JoinAwaitable<int> join = h.Wait();
            Assert.Equal(1, await join);
            errors.Add(await CatchAsync(async () => await join));
            // AsTask consumes the CoTask.
            CoTask<int> shared = Twice();
            Task<int> asTask = shared.AsTask();
            errors.Add(await CatchAsync(async () => await shared));
            Assert.Equal(2, await asTask);
        });
        using var host = new TestHost(w.S); // kept subscribed to WorkAvailable until the end of the test
        host.DriveToCompletion(); // AsTask is awaited as a .NET task
        Assert.Equal(7, errors.Count);
        Assert.All(errors, e => Assert.IsType<InvalidOperationException>(e));
        w.AssertStillWorks();

        static async CoTask<int> Twice()
        {
            await Co.Pause();
            return 2;
        }

        static async CoTask PauseOnce() => await Co.Pause();
    }

    [Fact]
    public void Time_calls_without_an_event_loop_throw_EventLoopRequiredException_and_the_scheduler_goes_on()
    {
        var s = new Scheduler();
        var errors = new List<Exception?>();
        s.Spawn(async () =>
        {
            errors.Add(Catch(() => Co.Sleep(TimeSpan.FromSeconds(1))));
            errors.Add(Catch(() => Co.WithTimeout(TimeSpan.FromSeconds(1), Nothing)));
            errors.Add(Catch(() => Co.RunBlocking(() => 1)));
            errors.Add(Catch(() => _ = new CoTimer(TimeSpan.FromSeconds(1))));
            errors.Add(Catch(() => Co.Retry(One, RetryPolicy.FixedDelay(TimeSpan.FromSeconds(1)))));
            await Co.Pause();
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(5, errors.Count);
        Assert.All(errors, e => Assert.IsType<EventLoopRequiredException>(e));
        int ran = 0;
        s.Spawn(async () =>
        {
            await Co.Pause();
            ran++;
        });
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(1, ran);
    }

    // ----- helpers -----

    /// <summary>Runs <paramref name="body"/> as a coroutine of the world and returns nothing; its exception is rethrown here.</summary>
    private static void InCoroutine(MisuseWorld w, Func<CoTask> body)
    {
        Exception? error = null;
        w.S.Spawn(async () =>
        {
            try { await body(); }
            catch (Exception e) { error = e; }
        });
        w.S.RunUntilIdle();
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
    }

    private static void InCoroutine<T>(MisuseWorld w, Func<CoTask<T>> body) => InCoroutine(w, async () => { await body(); });

    private static Exception? OnAnotherThread(Action action)
    {
        Exception? error = null;
        var t = new Thread(() => error = Catch(action));
        t.Start();
        t.Join();
        return error;
    }

    private static Exception? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static async CoTask<Exception?> CatchAsync(Func<CoTask> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
