using System;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class JoinTests
{
    [Fact]
    public void Wait_returns_the_result_and_TryGetResult_reports_before_and_after()
    {
        var s = new Scheduler();
        CoroutineHandle<int> child = s.Spawn(async () => { await Co.Pause(); return 5; });
        Assert.False(child.TryGetResult(out _));
        int got = 0;
        s.SpawnBackground(async () => got = await child.Wait() + 1);
        s.RunUntilIdle(DrainBudget.Steps(3));
        Assert.True(child.TryGetResult(out int r));
        Assert.Equal(5, r);
        s.RunUntilIdle();
        Assert.Equal(6, got);
    }

    [Fact]
    public void Several_waiters_all_get_the_result_then_the_handle_is_consumed()
    {
        var s = new Scheduler();
        CoroutineHandle<string> child = s.Spawn(async () => { await Co.Pause(); await Co.Pause(); return "x"; });
        string a = "", b = "";
        s.SpawnBackground(async () => a = await child.Wait());
        s.SpawnBackground(async () => b = await child.Wait());
        s.RunUntilIdle();
        Assert.Equal("x", a);
        Assert.Equal("x", b);
        Assert.Throws<InvalidOperationException>(() => child.State); // record recycled after both read it
    }

    [Fact]
    public void Failure_is_rethrown_by_Wait()
    {
        var s = new Scheduler();
        CoroutineHandle child = s.Spawn(async () => { await Co.Pause(); throw new TimeZoneNotFoundException(); });
        Exception? seen = null;
        s.SpawnBackground(async () =>
        {
            try { await child.Wait(); }
            catch (Exception e) { seen = e; }
        });
        s.RunUntilIdle();
        Assert.IsType<TimeZoneNotFoundException>(seen);
    }

    [Fact]
    public void Wait_outside_a_coroutine_throws_invalid_operation()
    {
        var s = new Scheduler();
        CoroutineHandle child = s.Spawn(() => CoTask.CompletedTask);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => child.Wait());
        Assert.Contains("outside any coroutine", e.Message);
    }
}
