using System;
using CoSched;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// One instance of every public CoSched type, live and in use, built on the calling thread: a scheduler with a virtual
/// loop, suspended coroutines (handles), open task groups (plain and typed), a queue with an enumerator, a semaphore, a
/// mutex, a condition, a settled lazy value and an armed timer. The misuse tests call their members the wrong way and
/// then <see cref="AssertStillWorks"/> proves the scheduler and every primitive still run work.
/// </summary>
public sealed class MisuseWorld
{
    public readonly Scheduler S = new();
    public readonly VirtualEventLoop Loop;
    public readonly CoQueue<int> Queue;
    public readonly CoQueueEnumerator<int> Enumerator;
    public readonly CoSemaphore Semaphore;
    public readonly CoMutex Mutex;
    public readonly CoCondition Condition;
    public readonly CoLazy<int> Lazy = new(() => CoTask.FromResult(7), "lazy");
    public readonly CoTimer Timer;
    public CoroutineHandle Handle;
    public CoroutineHandle<int> HandleOfT;
    public TaskGroup Group;
    public TaskGroup<int> GroupOfT;
    private readonly CoCondition _hold;

    public MisuseWorld()
    {
        Loop = new VirtualEventLoop(S);
        Queue = CoQueue<int>.Blocking(4, S);
        Enumerator = Queue.GetAsyncEnumerator();
        Semaphore = new CoSemaphore(S, 2);
        Mutex = new CoMutex(S);
        Condition = new CoCondition(S);
        Timer = new CoTimer(S, TimeSpan.FromHours(1));
        _hold = new CoCondition(S);
        Handle = S.Spawn(async () => await _hold.Wait(), "held");
        HandleOfT = S.Spawn(async () =>
        {
            await _hold.Wait();
            return 1;
        }, "held of T");
        S.Spawn(async () => await Co.WithTaskGroup(async g =>
        {
            Group = g;
            await _hold.Wait();
        }, "group"));
        S.Spawn(async () => await Co.WithTaskGroup<int>(async g =>
        {
            GroupOfT = g;
            await _hold.Wait();
            return 1;
        }, "group of T"));
        S.Spawn(async () => Assert.Equal(7, await Lazy.Wait())); // binds the lazy value to this scheduler
        DrainResult r = S.RunUntilIdle();
        Assert.Equal(DrainStatus.Idle, r.Status); // everything parked; the timer is pending
        Assert.Equal("group", Group.Name);
        Assert.Equal("group of T", GroupOfT.Name);
        Assert.True(Lazy.IsValueCreated);
    }

    /// <summary>
    /// Runs a coroutine that uses every primitive (pause, queue, semaphore, mutex, condition, sleep, a child group),
    /// releases the coroutines held since construction, and checks that everything completes.
    /// </summary>
    public void AssertStillWorks()
    {
        int steps = 0;
        S.Spawn(async () =>
        {
            await Co.Pause();
            await Queue.Put(41);
            Assert.Equal(41, await Queue.Get());
            await Semaphore.Acquire();
            Semaphore.Release();
            using (await Mutex.LockAsync()) await Co.Sleep(TimeSpan.FromMilliseconds(5));
            await Co.WithTaskGroup(async g =>
            {
                g.Spawn(async () =>
                {
                    await Co.Pause();
                    Condition.Signal();
                });
                await Condition.Wait();
            });
            steps++;
        }, "probe");
        DrainResult r = Loop.RunUntilIdle();
        Assert.True(steps == 1, $"the probe coroutine did not finish: {r}\n{S.DescribeCoroutines()}");
        _hold.Broadcast();
        Timer.Cancel();
        Queue.Close();
        r = Loop.RunUntilIdle();
        Assert.True(r.Status == DrainStatus.Completed, $"{r}\n{S.DescribeCoroutines()}");
        Assert.Equal(0, S.LiveCoroutines);
    }
}
