using System;
using System.Threading;
using System.Threading.Tasks;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class ThreadingTests
{
    [Fact]
    public void Four_threads_posting_250k_each_every_action_runs_exactly_once()
    {
        const int Threads = 4, PerThread = 250_000;
        var s = new Scheduler();
        var counts = new int[Threads * PerThread];
        int done = 0;
        using var work = new SemaphoreSlim(0);
        s.WorkAvailable += () => work.Release();
        var producers = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int offset = t * PerThread;
            producers[t] = new Thread(() =>
            {
                for (int i = 0; i < PerThread; i++)
                {
                    int slot = offset + i;
                    s.Post(() => { counts[slot]++; done++; });
                }
            });
        }
        foreach (Thread p in producers) p.Start();
        while (true)
        {
            s.RunUntilIdle();
            if (done == counts.Length) break;
            // Blocks until a post arrives (WorkAvailable fires once per idle period); no polling, no sleep.
            Assert.True(work.Wait(TimeSpan.FromSeconds(60)), "WorkAvailable never raised");
        }
        foreach (Thread p in producers) p.Join();
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public void Wrong_thread_calls_throw_and_leave_state_unchanged()
    {
        var s = new Scheduler();
        CoroutineHandle h = s.Spawn(async () => { await Co.Pause(); await Co.Pause(); });
        s.RunUntilIdle(DrainBudget.Steps(1));
        var errors = new Exception?[6];
        var t = new Thread(() =>
        {
            errors[0] = Catch(() => s.Spawn(() => CoTask.CompletedTask));
            errors[1] = Catch(() => s.RunUntilIdle());
            errors[2] = Catch(() => h.Cancel());
            errors[3] = Catch(() => _ = h.State);
            errors[4] = Catch(() => _ = s.AcquireFeederLease());
            errors[5] = Catch(() => _ = s.LiveCoroutines);
        });
        t.Start();
        t.Join();
        foreach (Exception? e in errors)
        {
            WrongThreadException w = Assert.IsType<WrongThreadException>(e);
            Assert.Contains("Post", w.Message);
            Assert.Contains(Environment.CurrentManagedThreadId.ToString(), w.Message);
        }
        Assert.Equal(1, s.LiveCoroutines);
        Assert.Equal(CoroutineState.Suspended, h.State);
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status); // not cancelled: it finished normally
        Assert.Equal(CoroutineState.Done, h.State);
    }

    [Fact]
    public void Foreign_awaits_resume_on_the_scheduler_thread_as_the_same_coroutine()
    {
        var s = new Scheduler();
        using var host = new TestHost(s);
        int schedulerThread = Environment.CurrentManagedThreadId;
        var seen = new System.Collections.Generic.List<int>();
        bool sameCoroutine = false;
        CoroutineHandle<int> main = s.RunAsyncMain(async () =>
        {
            Scheduler? before = Scheduler.Current;
            int a = await Task.Run(() => 20);
            seen.Add(Environment.CurrentManagedThreadId);
            await Task.Yield();
            seen.Add(Environment.CurrentManagedThreadId);
            int b = await new ValueTask<int>(Task.Run(() => 22));
            seen.Add(Environment.CurrentManagedThreadId);
            await Co.Pause(); // still a coroutine: CoSched primitives work after foreign awaits
            sameCoroutine = ReferenceEquals(before, Scheduler.Current) && !Co.IsBeingCancelled;
            return a + b;
        });
        DrainResult r = host.DriveToCompletion();
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.True(main.TryGetResult(out int v));
        Assert.Equal(42, v);
        Assert.All(seen, id => Assert.Equal(schedulerThread, id));
        Assert.True(sameCoroutine);
    }

    [Fact]
    public void Plain_async_Task_code_inside_a_coroutine_resumes_on_the_scheduler_thread()
    {
        var s = new Scheduler();
        using var host = new TestHost(s);
        int schedulerThread = Environment.CurrentManagedThreadId;
        int resumedOn = -1;
        CoroutineHandle main = s.RunAsyncMain(async () =>
        {
            await Helper();
        });
        host.DriveToCompletion();
        Assert.Equal(CoroutineState.Done, main.State);
        Assert.Equal(schedulerThread, resumedOn);

        async Task Helper()
        {
            // Completes on a pool thread; the continuation comes back through the scheduler's SynchronizationContext.
            await Task.Run(static () => { }).ConfigureAwait(true);
            resumedOn = Environment.CurrentManagedThreadId;
        }
    }

    [Fact]
    public void InvokeAsync_from_a_worker_runs_on_the_scheduler_thread()
    {
        var s = new Scheduler();
        using var host = new TestHost(s);
        int schedulerThread = Environment.CurrentManagedThreadId;
        CoroutineHandle<int> main = s.RunAsyncMain(async () =>
            await Task.Run(async () => await s.InvokeAsync(() => Environment.CurrentManagedThreadId)));
        host.DriveToCompletion();
        Assert.True(main.TryGetResult(out int ranOn));
        Assert.Equal(schedulerThread, ranOn);
    }

    private static Exception? Catch(Action a)
    {
        try { a(); return null; }
        catch (Exception e) { return e; }
    }
}
