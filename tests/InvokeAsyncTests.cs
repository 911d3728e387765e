using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace CoSched.Tests;

public class InvokeAsyncTests
{
    [Fact]
    public void Worker_inside_RunBlocking_calls_back_onto_the_scheduler_thread_and_gets_the_result()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        int schedulerThread = Environment.CurrentManagedThreadId;
        int counter = 0;
        CoroutineHandle<int> h = s.RunAsyncMain(async () => await Co.RunBlocking(() =>
        {
            // The worker re-enters the scheduler's world for a host callback; the coroutine is parked meanwhile.
            int seenOn = s.InvokeAsync(() => { counter++; return Environment.CurrentManagedThreadId; }).Result;
            s.InvokeAsync(() => counter++).Wait();
            return seenOn;
        }));
        Assert.Equal(DrainStatus.Completed, new ExternalDrain(loop).UntilSettled().Status);
        Assert.True(h.TryGetResult(out int seen));
        Assert.Equal(schedulerThread, seen);
        Assert.Equal(2, counter);
    }

    [Fact]
    public void Exception_in_the_invoked_function_faults_the_returned_task()
    {
        var s = new Scheduler();
        Task<int> t = s.InvokeAsync<int>(() => throw new FormatException("x"));
        Assert.False(t.IsCompleted); // never inline, even on the scheduler's own thread
        s.RunUntilIdle();
        Assert.True(t.IsFaulted);
        Assert.IsType<FormatException>(t.Exception!.InnerException);
    }

    [Fact]
    public async Task Works_from_many_threads_at_once_and_always_runs_on_the_scheduler_thread()
    {
        var s = new Scheduler();
        const int Threads = 8, PerThread = 50;
        int ran = 0, onSchedulerThread = 0;
        int schedulerThread = Environment.CurrentManagedThreadId;
        using var signal = new ManualResetEventSlim(false);
        s.WorkAvailable += signal.Set;
        var workers = new Task<int>[Threads];
        for (int i = 0; i < workers.Length; i++)
            workers[i] = Task.Run(() =>
            {
                int total = 0;
                for (int k = 0; k < PerThread; k++)
                    total += s.InvokeAsync(() =>
                    {
                        ran++; // no lock: every invoke runs on the one scheduler thread
                        if (Environment.CurrentManagedThreadId == schedulerThread) onSchedulerThread++;
                        return 1;
                    }).Result;
                return total;
            });
        while (ran < Threads * PerThread)
        {
            signal.Reset(); // before the drain: a post landing after it is either drained or sets the signal
            s.RunUntilIdle();
            if (ran < Threads * PerThread) Assert.True(signal.Wait(TimeSpan.FromSeconds(30)));
        }
        // Every invoke has run; the workers finish their loops on pool threads (completion is asynchronous).
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        foreach (Task<int> w in workers) Assert.Equal(PerThread, TaskResults.Completed(w));
        Assert.Equal(Threads * PerThread, onSchedulerThread);
    }
}
