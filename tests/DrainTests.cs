using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class DrainTests
{
    [Fact]
    public void Never_spins_on_a_coroutine_blocked_on_host_work()
    {
        var s = new Scheduler();
        var tcs = new TaskCompletionSource<int>();
        int workAvailable = 0;
        using var signal = new System.Threading.SemaphoreSlim(0);
        s.WorkAvailable += () => { System.Threading.Interlocked.Increment(ref workAvailable); signal.Release(); };
        CoroutineHandle<int> main = s.RunAsyncMain(async () => await tcs.Task + 1);

        DrainResult r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.True(r.ExternalWaitsPending);
        Assert.Equal(0, r.Steps); // nothing ran again: the blocked main was not resumed
        Assert.True(r.Rounds <= 1);
        Assert.Equal(CoroutineState.Suspended, main.State);

        tcs.SetResult(41); // the host delivers; the continuation goes through the inbox
        Assert.True(signal.Wait(TimeSpan.FromSeconds(30)), "WorkAvailable was not raised");
        Assert.Equal(1, workAvailable);
        r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.True(main.TryGetResult(out int value));
        Assert.Equal(42, value);
    }

    [Fact]
    public void Step_budget_stops_with_work_left_and_the_next_call_continues()
    {
        var s = new Scheduler();
        int n = 0;
        for (int i = 0; i < 5; i++) s.SpawnBackground(async () => { n++; await Co.Pause(); n++; });
        DrainResult r = s.RunUntilIdle(DrainBudget.Steps(3));
        Assert.Equal(DrainStatus.BudgetExhausted, r.Status);
        Assert.Equal(3, r.Steps);
        Assert.Equal(3, n);
        r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(10, n);
    }

    [Fact]
    public void Exception_in_main_is_kept_on_the_handle()
    {
        var s = new Scheduler();
        CoroutineHandle main = s.RunAsyncMain(async () =>
        {
            await Co.Pause();
            throw new InvalidTimeZoneException("boom");
        });
        Assert.Equal(CoroutineState.Failed, main.State);
        Assert.IsType<InvalidTimeZoneException>(main.Exception);
        Assert.Throws<InvalidTimeZoneException>(() => main.TryGetResult());
    }

    [Fact]
    public void RunAsyncMain_returns_result_when_main_completes_synchronously()
    {
        var s = new Scheduler();
        CoroutineHandle<string> main = s.RunAsyncMain(() => new CoTask<string>("done"));
        Assert.Equal(CoroutineState.Done, main.State);
        Assert.True(main.TryGetResult(out string? v));
        Assert.Equal("done", v);
    }

    [Fact]
    public void Two_coroutines_joining_each_other_is_a_deadlock_with_a_report()
    {
        var s = new Scheduler();
        var handles = new CoroutineHandle[2];
        handles[0] = s.Spawn(async () => { await Co.Pause(); await handles[1].Wait(); }, name: "left");
        handles[1] = s.Spawn(async () => { await Co.Pause(); await handles[0].Wait(); }, name: "right");
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Deadlock, r.Status);
        Assert.NotNull(r.Deadlock);
        Assert.Equal(2, r.Deadlock!.Coroutines.Count);
        Assert.Contains(r.Deadlock.Coroutines, c => c.Name == "left" && c.SpawnSite.Contains("DrainTests.cs") && c.WaitingOn.Contains("right"));
        Assert.Contains(r.Deadlock.Coroutines, c => c.Name == "right" && c.WaitingOn.Contains("left"));
        Assert.Contains("left", r.Deadlock.ToString());
    }

    [Fact]
    public void Feeder_lease_turns_deadlock_into_idle_until_released()
    {
        var s = new Scheduler();
        var handles = new CoroutineHandle[2];
        IDisposable lease = s.AcquireFeederLease();
        handles[0] = s.Spawn(async () => await handles[1].Wait());
        handles[1] = s.Spawn(async () => await handles[0].Wait());
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.True(r.ExternalWaitsPending);
        int signalled = 0;
        s.WorkAvailable += () => signalled++;
        lease.Dispose();
        Assert.Equal(1, signalled); // the host is told to re-check
        Assert.Equal(DrainStatus.Deadlock, s.RunUntilIdle().Status);
    }

    [Fact]
    public void Work_available_is_raised_once_per_idle_period()
    {
        var s = new Scheduler();
        int raised = 0;
        s.WorkAvailable += () => raised++;
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        var ran = new List<int>();
        s.Post(() => ran.Add(1));
        s.Post(() => ran.Add(2));
        Assert.Equal(1, raised);
        s.RunUntilIdle();
        Assert.Equal(new[] { 1, 2 }, ran);
        s.Post(() => ran.Add(3));
        Assert.Equal(2, raised);
    }

    [Fact]
    public void Posted_action_exception_surfaces_after_the_batch_and_nothing_is_lost()
    {
        var s = new Scheduler();
        var ran = new List<int>();
        s.Post(() => ran.Add(1));
        s.Post(() => throw new FormatException("bad post"));
        s.Post(() => ran.Add(3));
        Assert.Throws<FormatException>(() => s.RunUntilIdle());
        Assert.Equal(new[] { 1, 3 }, ran);
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status); // still usable
    }

    [Fact]
    public void RunUntilIdle_from_inside_a_coroutine_is_refused()
    {
        var s = new Scheduler();
        Exception? seen = null;
        s.SpawnBackground(() =>
        {
            try { s.RunUntilIdle(); }
            catch (Exception e) { seen = e; }
            return CoTask.CompletedTask;
        });
        s.RunUntilIdle();
        Assert.IsType<InvalidOperationException>(seen);
    }

    [Fact]
    public void RunAsyncMain_from_inside_a_drain_is_refused_before_main_starts()
    {
        // Audit finding K: the call spawned main and registered it, then its drain refused re-entry; main ran with no
        // handle, and the outer drain reported Completed (it went by the unintended main) over a blocked coroutine.
        var s = new Scheduler();
        var never = CoQueue<int>.Unbounded(s);
        bool innerRan = false;
        Exception? refused = null;
        s.Spawn(async () =>
        {
            try { s.RunAsyncMain(async () => { innerRan = true; await Co.Pause(); }); }
            catch (InvalidOperationException e) { refused = e; }
            await never.Get();
        });
        DrainResult r = s.RunUntilIdle();
        Assert.NotNull(refused);
        Assert.False(innerRan);
        Assert.Equal(DrainStatus.Deadlock, r.Status);
    }

    [Fact]
    public void The_drain_in_which_main_ends_stops_at_the_end_of_that_round()
    {
        // DESIGN §5 / docs/hosting.md: RunAsyncMain's handle completes and the host gets control back; coroutines
        // still alive stay suspended until the host drains again.
        var s = new Scheduler();
        int siblingSteps = 0;
        CoroutineHandle main = s.RunAsyncMain(async () =>
        {
            s.SpawnBackground(async () => { for (int i = 0; i < 100; i++) { siblingSteps++; await Co.Pause(); } });
            await Co.Pause();
        });
        Assert.Equal(CoroutineState.Done, main.State);
        Assert.Equal(1, siblingSteps);
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status); // a later drain runs what is left
        Assert.Equal(100, siblingSteps);
    }

    [Fact]
    public void An_error_left_by_earlier_posted_work_is_thrown_by_RunAsyncMain_before_main_starts()
    {
        // Audit finding K: main's first drain threw the earlier posted action's error after main was spawned and
        // registered, so the host had no handle and every later RunAsyncMain was refused ("already runs a main").
        var s = new Scheduler();
        s.Post(() => throw new FormatException("a stale posted action"));
        bool ran = false;
        Assert.Throws<FormatException>(() => s.RunAsyncMain(async () => { ran = true; await Co.Pause(); }));
        Assert.False(ran);
        Assert.Equal(0, s.LiveCoroutines);
        CoroutineHandle main = s.RunAsyncMain(async () => { ran = true; await Co.Pause(); }); // the retry is accepted
        Assert.True(ran);
        Assert.Equal(CoroutineState.Done, main.State);
    }
}
