using System;
using System.Collections.Generic;
using System.Threading;
using CoSched;
using Xunit;

namespace CoSched.Tests;

/// <summary>
/// While a scheduler drains, "which coroutine is current" and "is this the scheduler's thread" are answered from the
/// stack pointer and a process-wide hint (the last scheduler to begin a drain) instead of thread-statics. These tests
/// pin the cases where the hint is wrong: nested drains on one thread, and drains of other schedulers on other threads.
/// </summary>
public class ThreadIdentityTests
{
    [Fact]
    public void The_OS_reports_this_threads_stack_so_the_cheap_check_is_in_use()
    {
        (nuint low, nuint size) = ThreadStack.OfCurrentThread();
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows() && !OperatingSystem.IsMacOS()) return;
        Assert.NotEqual((nuint)0, size);
        Assert.True(ThreadStack.Marker() - low < size);
        (nuint otherLow, nuint otherSize) = (0, 0);
        var t = new Thread(() => (otherLow, otherSize) = ThreadStack.OfCurrentThread());
        t.Start();
        t.Join();
        Assert.NotEqual((nuint)0, otherSize);
        Assert.True(otherLow + otherSize <= low || low + size <= otherLow, "two live threads reported overlapping stacks");
    }

    [Fact]
    public void A_drain_nested_in_a_coroutine_of_another_scheduler_sees_its_own_coroutines_then_hands_back()
    {
        var outer = new Scheduler();
        var inner = new Scheduler();
        var log = new List<string>();
        outer.Spawn(async () =>
        {
            Assert.Same(outer, Scheduler.Current);
            inner.Spawn(async () =>
            {
                Assert.Same(inner, Scheduler.Current);
                await Co.Pause(); // parks the inner coroutine, not the outer one
                Assert.Same(inner, Scheduler.Current);
                log.Add("inner done");
            });
            Assert.Equal(DrainStatus.Completed, inner.RunUntilIdle().Status);
            Assert.Same(outer, Scheduler.Current);
            await Co.Pause();
            Assert.Same(outer, Scheduler.Current);
            log.Add("outer done");
        });
        Assert.Equal(DrainStatus.Completed, outer.RunUntilIdle().Status);
        Assert.Equal(new[] { "inner done", "outer done" }, log);
    }

    [Fact]
    public void Concurrent_drains_on_two_threads_each_see_their_own_scheduler_and_refuse_the_other()
    {
        // Thread 1 starts draining A (the hint points at A), then blocks inside a coroutine while thread 2 drains B (the
        // hint now points at B). When thread 1 continues, the hint is wrong for it: it must still find A's coroutine.
        using var aInside = new ManualResetEventSlim();
        using var bDone = new ManualResetEventSlim();
        Exception? fromA = null, fromB = null, crossCall = null;
        Scheduler? b = null;
        int aPauses = 0, bPauses = 0;
        var t1 = new Thread(() => fromA = Catch(() =>
        {
            var a = new Scheduler();
            a.Spawn(async () =>
            {
                aInside.Set();
                Assert.True(bDone.Wait(TimeSpan.FromSeconds(30)));
                for (int i = 0; i < 3; i++)
                {
                    Assert.Same(a, Scheduler.Current);
                    await Co.Pause();
                    aPauses++;
                }
                // B is idle on its own thread: calls into it from here are refused, whatever the hint says.
                crossCall = Catch(() => b!.Spawn(() => CoTask.CompletedTask));
            });
            Assert.Equal(DrainStatus.Completed, a.RunUntilIdle().Status);
        }));
        var t2 = new Thread(() => fromB = Catch(() =>
        {
            Assert.True(aInside.Wait(TimeSpan.FromSeconds(30)));
            b = new Scheduler();
            b.Spawn(async () =>
            {
                for (int i = 0; i < 3; i++)
                {
                    Assert.Same(b, Scheduler.Current);
                    await Co.Pause();
                    bPauses++;
                }
            });
            Assert.Equal(DrainStatus.Completed, b.RunUntilIdle().Status);
            bDone.Set();
        }));
        t1.Start();
        t2.Start();
        Assert.True(t2.Join(TimeSpan.FromSeconds(60)));
        Assert.True(t1.Join(TimeSpan.FromSeconds(60)));
        Assert.Null(fromB);
        Assert.Null(fromA);
        Assert.Equal(3, aPauses);
        Assert.Equal(3, bPauses);
        Assert.IsType<WrongThreadException>(crossCall);
    }

    [Fact]
    public void A_call_from_another_thread_while_the_scheduler_drains_is_refused()
    {
        var s = new Scheduler();
        var q = CoQueue<int>.Blocking(4, s);
        Exception? spawn = null, put = null, current = null;
        bool onThread = true;
        s.Spawn(async () =>
        {
            // Mid-drain, on the scheduler's thread: another thread's calls must still be refused.
            var t = new Thread(() =>
            {
                spawn = Catch(() => s.Spawn(() => CoTask.CompletedTask));
                put = Catch(() => q.TryPut(1));
                current = Scheduler.Current is null ? null : new Exception("saw a current scheduler on a foreign thread");
                onThread = s.IsOnSchedulerThread;
            });
            t.Start();
            t.Join();
            await Co.Pause();
        });
        s.RunUntilIdle();
        Assert.IsType<WrongThreadException>(spawn);
        Assert.IsType<WrongThreadException>(put);
        Assert.Null(current);
        Assert.False(onThread);
        Assert.Equal(0, q.Count);
    }

    private static Exception? Catch(Action a)
    {
        try { a(); return null; }
        catch (Exception e) { return e; }
    }
}
