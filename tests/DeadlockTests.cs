using System;
using System.Linq;
using System.Threading;
using Xunit;

namespace CoSched.Tests;

public class DeadlockTests
{
    private const string ParkedReader = "CoQueue<Int32>.Get (1 reader parked)";

    /// <summary>Two coroutines each waiting on the other's queue: a classic deadlock.</summary>
    private static (CoQueue<int> A, CoQueue<int> B) SpawnCrossWaiters(Scheduler s)
    {
        CoQueue<int> a = CoQueue<int>.Unbounded(s);
        CoQueue<int> b = CoQueue<int>.Unbounded(s);
        s.Spawn(async () => { int v = await a.Get(); await b.Put(v); }, "reader-of-a");
        s.Spawn(async () => { int v = await b.Get(); await a.Put(v); }, "reader-of-b");
        return (a, b);
    }

    [Fact]
    public void Cross_waiting_coroutines_are_reported_with_names_spawn_sites_and_what_they_wait_on()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        SpawnCrossWaiters(s);
        DrainResult r = loop.RunUntilIdle();
        Assert.Equal(DrainStatus.Deadlock, r.Status);
        DeadlockReport report = Assert.IsType<DeadlockReport>(r.Deadlock);
        Assert.Equal(2, report.Coroutines.Count);
        BlockedCoroutine ra = report.Coroutines.Single(c => c.Name == "reader-of-a");
        BlockedCoroutine rb = report.Coroutines.Single(c => c.Name == "reader-of-b");
        Assert.StartsWith("DeadlockTests.cs:", ra.SpawnSite);
        Assert.Contains("SpawnCrossWaiters", ra.SpawnSite);
        Assert.StartsWith("DeadlockTests.cs:", rb.SpawnSite);
        Assert.NotEqual(ra.SpawnSite, rb.SpawnSite);
        Assert.Equal(ParkedReader, ra.WaitingOn);
        Assert.Equal(ParkedReader, rb.WaitingOn);
        string text = report.ToString();
        Assert.Contains("'reader-of-a' spawned at DeadlockTests.cs:", text);
        Assert.Contains("'reader-of-b' spawned at DeadlockTests.cs:", text);
    }

    [Fact]
    public void Coroutines_joining_each_other_are_a_deadlock()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        CoroutineHandle second = default;
        CoroutineHandle first = s.Spawn(async () => { await Co.Pause(); await second.Wait(); }, "first");
        second = s.Spawn(async () => await first.Wait(), "second");
        DrainResult r = loop.RunUntilIdle();
        Assert.Equal(DrainStatus.Deadlock, r.Status);
        Assert.Contains(r.Deadlock!.Coroutines, c => c.Name == "first" && c.WaitingOn.Contains("'second'"));
        Assert.Contains(r.Deadlock!.Coroutines, c => c.Name == "second" && c.WaitingOn.Contains("'first'"));
    }

    [Fact]
    public void No_verdict_while_a_sleep_is_pending_and_the_verdict_once_it_has_fired()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        SpawnCrossWaiters(s);
        s.Spawn(async () => await Co.Sleep(TimeSpan.FromSeconds(2)), "sleeper");
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.Equal(TimeSpan.FromSeconds(2), r.NextDeadline);
        Assert.Null(r.Deadlock);
        r = loop.RunUntilIdle();
        Assert.Equal(DrainStatus.Deadlock, r.Status);
        Assert.Equal(TimeSpan.FromSeconds(2), loop.Now);
        Assert.Equal(2, r.Deadlock!.Coroutines.Count);
    }

    [Fact]
    public void Sleep_that_feeds_the_waiter_is_not_a_deadlock()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        CoQueue<int> box = CoQueue<int>.Unbounded(s);
        s.Spawn(async () => { await Co.Sleep(TimeSpan.FromSeconds(1)); await box.Put(7); });
        CoroutineHandle<int> reader = s.Spawn(async () => await box.Get());
        Assert.Equal(DrainStatus.Idle, s.RunUntilIdle().Status);
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.True(reader.TryGetResult(out int v));
        Assert.Equal(7, v);
    }

    [Fact]
    public void No_verdict_while_RunBlocking_runs_and_the_verdict_after_it_returns()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var drain = new ExternalDrain(loop);
        using var gate = new ManualResetEventSlim(false);
        SpawnCrossWaiters(s);
        s.Spawn(async () => await Co.RunBlocking(() => gate.Wait()), "offloader");
        DrainResult r = drain.Drain();
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.True(r.ExternalWaitsPending);
        gate.Set();
        r = drain.UntilSettled();
        Assert.Equal(DrainStatus.Deadlock, r.Status);
        Assert.Equal(2, r.Deadlock!.Coroutines.Count);
    }

    [Fact]
    public void No_verdict_while_a_feeder_lease_is_held_and_releasing_the_last_one_gives_it()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        int workAvailable = 0;
        s.WorkAvailable += () => workAvailable++;
        SpawnCrossWaiters(s);
        IDisposable lease1 = s.AcquireFeederLease();
        IDisposable lease2 = s.AcquireFeederLease();
        DrainResult r = loop.RunUntilIdle();
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.True(r.ExternalWaitsPending);
        lease1.Dispose();
        Assert.Equal(DrainStatus.Idle, loop.RunUntilIdle().Status);
        int before = workAvailable;
        lease2.Dispose();
        Assert.True(workAvailable > before); // the host is told to look again
        r = loop.RunUntilIdle();
        Assert.Equal(DrainStatus.Deadlock, r.Status);
        Assert.Equal(2, r.Deadlock!.Coroutines.Count);
    }

    [Fact]
    public void No_verdict_while_a_foreign_await_is_outstanding()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var drain = new ExternalDrain(loop);
        var tcs = new System.Threading.Tasks.TaskCompletionSource<int>(System.Threading.Tasks.TaskCreationOptions.RunContinuationsAsynchronously);
        SpawnCrossWaiters(s);
        s.Spawn(async () => await tcs.Task, "foreign");
        DrainResult r = drain.Drain();
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.True(r.ExternalWaitsPending);
        tcs.SetResult(1);
        Assert.Equal(DrainStatus.Deadlock, drain.UntilSettled().Status);
    }

    [Fact]
    public void Pending_timeout_timer_is_not_a_deadlock_and_breaks_the_wait()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        CoQueue<int> box = CoQueue<int>.Unbounded(s); // never filled
        CoroutineHandle<int> h = s.RunAsyncMain(async () => await Co.WithTimeoutOrDefault(TimeSpan.FromSeconds(3), async () => await box.Get()));
        Assert.Equal(DrainStatus.Idle, s.RunUntilIdle().Status);
        CoroutineTree tree = s.DescribeCoroutines();
        Assert.Contains(tree, c => c.WaitingOn.Contains("'Co.WithTimeout body'"));
        CoroutineNode root = Assert.Single(tree.Roots); // the body is listed under the coroutine that called WithTimeout
        Assert.Equal("main", root.Coroutine.Name);
        Assert.Equal("Co.WithTimeout body", Assert.Single(root.Children).Coroutine.Name);
        Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
        Assert.True(h.TryGetResult(out int v));
        Assert.Equal(0, v);
    }
}
