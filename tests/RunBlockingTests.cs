using System;
using System.Threading;
using Xunit;

namespace CoSched.Tests;

public class RunBlockingTests
{
    [Fact]
    public void Work_runs_off_thread_while_others_keep_running_and_the_caller_resumes_on_the_scheduler_thread()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var drain = new ExternalDrain(loop);
        using var gate = new ManualResetEventSlim(false);
        int schedulerThread = Environment.CurrentManagedThreadId;
        int workThread = 0, resumedOn = 0, pausesWhileBlocked = 0;
        CoroutineHandle<int> main = s.RunAsyncMain(async () =>
        {
            int r = await Co.RunBlocking(() =>
            {
                workThread = Environment.CurrentManagedThreadId;
                gate.Wait(); // blocked until the other coroutine has made progress
                return 42;
            });
            resumedOn = Environment.CurrentManagedThreadId;
            return r;
        });
        s.Spawn(async () =>
        {
            for (int i = 0; i < 10; i++) { pausesWhileBlocked++; await Co.Pause(); }
            gate.Set();
        });
        DrainResult r = drain.UntilSettled();
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(10, pausesWhileBlocked);
        Assert.True(main.TryGetResult(out int v));
        Assert.Equal(42, v);
        Assert.NotEqual(schedulerThread, workThread);
        Assert.Equal(schedulerThread, resumedOn);
    }

    [Fact]
    public void Running_work_is_an_external_wait_and_its_site_is_described()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var drain = new ExternalDrain(loop);
        using var gate = new ManualResetEventSlim(false);
        s.Spawn(async () => await Co.RunBlocking(() => gate.Wait()), "offloader");
        DrainResult r = drain.Drain();
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.True(r.ExternalWaitsPending);
        Assert.Null(r.NextDeadline);
        Assert.Contains("Co.RunBlocking", Assert.Single(s.DescribeCoroutines()).WaitingOn);
        gate.Set();
        Assert.Equal(DrainStatus.Completed, drain.UntilSettled().Status);
    }

    [Fact]
    public void Work_exception_is_rethrown_in_the_caller()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        CoroutineHandle main = s.RunAsyncMain(async () => await Co.RunBlocking(() => throw new FormatException("bad")));
        new ExternalDrain(loop).UntilSettled();
        Assert.IsType<FormatException>(main.Exception);
    }

    [Fact]
    public void Cancelled_caller_signals_the_token_waits_for_the_work_to_stop_then_throws_Cancelled()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var drain = new ExternalDrain(loop);
        using var started = new ManualResetEventSlim(false);
        int workReturned = 0;
        bool workHadReturnedWhenCallerResumed = false;
        Exception? caught = null;
        CoroutineHandle h = s.Spawn(async () =>
        {
            try
            {
                await Co.RunBlocking(ct =>
                {
                    started.Set();
                    ct.WaitHandle.WaitOne(); // a blocking wait that honours the token
                    Volatile.Write(ref workReturned, 1);
                    ct.ThrowIfCancellationRequested();
                });
            }
            catch (Exception e)
            {
                caught = e;
                workHadReturnedWhenCallerResumed = Volatile.Read(ref workReturned) == 1;
                throw;
            }
        });
        Assert.Equal(DrainStatus.Idle, drain.Drain().Status);
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        h.Cancel();
        Assert.Equal(CoroutineState.Suspended, h.State); // still parked: the work has not stopped yet
        Assert.Equal(DrainStatus.Completed, drain.UntilSettled().Status);
        Assert.IsType<CancelledException>(caught);
        Assert.True(workHadReturnedWhenCallerResumed);
        Assert.Equal(CoroutineState.Cancelled, h.State);
    }

    [Fact]
    public void Cancelled_caller_drops_a_result_that_arrives_anyway()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var drain = new ExternalDrain(loop);
        using var gate = new ManualResetEventSlim(false);
        CoroutineHandle<int> h = s.Spawn(async () => await Co.RunBlocking(() => { gate.Wait(); return 1; }));
        drain.Drain();
        h.Cancel();
        gate.Set();
        drain.UntilSettled();
        Assert.Equal(CoroutineState.Cancelled, h.State);
        Assert.IsType<CancelledException>(h.Exception);
    }

    [Fact]
    public void External_token_cancels_the_works_token()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var drain = new ExternalDrain(loop);
        using var cts = new CancellationTokenSource();
        using var started = new ManualResetEventSlim(false);
        CoroutineHandle<bool> h = s.RunAsyncMain(async () => await Co.RunBlocking(ct =>
        {
            started.Set();
            return ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
        }, cts.Token));
        drain.Drain();
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        cts.Cancel();
        Assert.Equal(DrainStatus.Completed, drain.UntilSettled().Status);
        Assert.True(h.TryGetResult(out bool signalled));
        Assert.True(signalled);
    }

    [Fact]
    public void Jobs_are_reused_across_calls()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        int sum = 0;
        s.RunAsyncMain(async () =>
        {
            for (int i = 0; i < 20; i++) sum += await Co.RunBlocking(ct => 1);
            await Co.RunBlocking(() => { sum++; });
        });
        Assert.Equal(DrainStatus.Completed, new ExternalDrain(loop).UntilSettled().Status);
        Assert.Equal(21, sum);
    }
}
