using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CoSched;
using Xunit;
using Xunit.Abstractions;

namespace CoSched.Tests.Reliability;

/// <summary>
/// Four threads hammer one scheduler through its only thread-safe doors (Post, InvokeAsync) while it drains and runs
/// coroutines, some of which offload work with Co.RunBlocking (whose work calls back with InvokeAsync). The scheduler's
/// thread is driven like a host would drive it: drain, then block on the WorkAvailable signal (an event, never a sleep).
/// Every operation is numbered; each must run exactly once and every result must reach its caller.
/// </summary>
public class CrossThreadStressTests(ITestOutputHelper output)
{
    private const int Threads = 4;
    private const int PerThread = 220_000;
    private const int Offloaders = 3;
    private const int PerOffloader = 20_000; // each offload is two operations: the RunBlocking and the InvokeAsync inside it
    private const int Total = Threads * PerThread + Offloaders * PerOffloader * 2; // 10^6
    private const int Batch = 2_000;

    [Fact]
    public void Four_threads_and_offloaded_work_a_million_operations_lose_nothing_and_run_nothing_twice()
    {
        var s = new Scheduler();
        _ = new VirtualEventLoop(s); // RunBlocking needs a loop; nothing here uses time
        var ran = new int[Total];          // written only on the scheduler thread
        var delivered = new int[Total];    // written by the worker that issued the operation
        int completedOnScheduler = 0;      // scheduler thread only
        using var work = new SemaphoreSlim(0);
        s.WorkAvailable += () => work.Release();
        // Workers feed a queue that a coroutine drains; the lease says "more will come", so the parked consumer is Idle.
        var queue = CoQueue<int>.Unbounded(s);
        IDisposable lease = s.AcquireFeederLease();
        int consumed = 0, pauses = 0;
        CoroutineHandle consumer = s.Spawn(async () =>
        {
            await foreach (int slot in queue)
            {
                ran[slot]++;
                consumed++;
                completedOnScheduler++;
            }
        }, name: "consumer");
        // A coroutine that keeps yielding: posts are processed between rounds while coroutines are busy.
        bool stopPausing = false;
        s.Spawn(async () =>
        {
            while (!stopPausing)
            {
                pauses++;
                await Co.Pause();
            }
        }, name: "pauser");
        // Offloaders: RunBlocking work runs on the pool and calls back into the scheduler with InvokeAsync, blocking its
        // pool thread until the scheduler thread has run the callback (the GVL "re-acquire" pattern).
        int offloadsDone = 0;
        for (int o = 0; o < Offloaders; o++)
        {
            int first = Threads * PerThread + o * PerOffloader * 2;
            s.Spawn(async () =>
            {
                for (int i = 0; i < PerOffloader; i++)
                {
                    int slot = first + 2 * i, inner = slot + 1;
                    int result = await Co.RunBlocking(() =>
                    {
                        int fromScheduler = s.InvokeAsync(() =>
                        {
                            ran[inner]++;
                            completedOnScheduler++;
                            return ~inner;
                        }).Result;
                        if (fromScheduler == ~inner) delivered[inner]++;
                        return slot * 3;
                    });
                    if (result == slot * 3) delivered[slot]++;
                    ran[slot]++;
                    completedOnScheduler++;
                }
                offloadsDone++;
            }, name: "offloader " + o);
        }
        var errors = new List<Exception>();
        var workers = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int first = t * PerThread;
            workers[t] = new Thread(() =>
            {
                try { Worker(s, queue, first, ran, delivered, () => completedOnScheduler++); }
                catch (Exception e) { lock (errors) errors.Add(e); }
            }) { Name = "stress worker " + t };
        }
        foreach (Thread w in workers) w.Start();

        int drains = 0;
        // A thread joins the workers and then posts, so the scheduler thread wakes up to see that they are done.
        using var joined = new ManualResetEventSlim();
        var joiner = new Thread(() =>
        {
            foreach (Thread w in workers) w.Join();
            joined.Set();
            s.Post(() => { });
        });
        joiner.Start();
        while (true)
        {
            DrainResult r = s.RunUntilIdle(DrainBudget.Steps(10_000));
            drains++;
            Assert.NotEqual(DrainStatus.Deadlock, r.Status);
            if (joined.IsSet) stopPausing = true;
            if (r.Status == DrainStatus.BudgetExhausted) continue; // the pauser keeps the scheduler busy
            if (joined.IsSet && completedOnScheduler == Total) break;
            // Idle: block until a worker's post raises WorkAvailable. No sleep, no polling.
            Assert.True(work.Wait(TimeSpan.FromSeconds(60)), "WorkAvailable was never raised");
        }
        joiner.Join();
        Assert.Empty(errors);
        stopPausing = true;
        queue.Close();
        lease.Dispose();
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(CoroutineState.Done, consumer.State);
        int lost = 0, twice = 0, undelivered = 0;
        for (int i = 0; i < Total; i++)
        {
            if (ran[i] == 0) lost++;
            else if (ran[i] > 1) twice++;
            if (delivered[i] != 1) undelivered++;
        }
        Assert.Equal(Offloaders, offloadsDone);
        output.WriteLine($"{Total} operations ({Offloaders * PerOffloader} RunBlocking offloads), {drains} drains, " +
                         $"{consumed} via the queue, {pauses} pauses meanwhile: " +
                         $"{lost} lost, {twice} run twice, {undelivered} results not delivered");
        Assert.Equal(0, lost);
        Assert.Equal(0, twice);
        Assert.Equal(0, undelivered);
        Assert.True(pauses > 1, "the pausing coroutine never ran between posts");
    }

    /// <summary>
    /// One worker: a third of its operations are posts, a third InvokeAsync returning a value the worker checks, a third
    /// InvokeAsync actions that put into a CoQueue consumed by a coroutine (work crossing from a thread into coroutines).
    /// </summary>
    private static void Worker(Scheduler s, CoQueue<int> queue, int first, int[] ran, int[] delivered, Action completed)
    {
        var pending = new List<(int Slot, Task Task)>(Batch);
        for (int i = 0; i < PerThread; i++)
        {
            int slot = first + i;
            switch (slot % 3)
            {
                case 0:
                    s.Post(() =>
                    {
                        ran[slot]++;
                        completed();
                    });
                    delivered[slot] = 1; // a post has no result: delivery is the run itself
                    break;
                case 1:
                    pending.Add((slot, s.InvokeAsync(() =>
                    {
                        ran[slot]++;
                        completed();
                        return ~slot;
                    })));
                    break;
                default:
                    pending.Add((slot, s.InvokeAsync(() =>
                    {
                        if (!queue.TryPut(slot)) throw new InvalidOperationException("an unbounded queue refused an item");
                    })));
                    break;
            }
            if (pending.Count == Batch || i == PerThread - 1) Collect(pending, delivered);
        }
    }

    private static void Collect(List<(int Slot, Task Task)> pending, int[] delivered)
    {
        foreach ((int slot, Task task) in pending)
        {
            task.Wait(TimeSpan.FromSeconds(60));
            if (task.Status != TaskStatus.RanToCompletion) throw new InvalidOperationException($"operation {slot}: {task.Status}", task.Exception);
            if (task is Task<int> withResult && withResult.Result != ~slot)
                throw new InvalidOperationException($"operation {slot} got the result {withResult.Result}");
            delivered[slot]++;
        }
        pending.Clear();
    }
}
