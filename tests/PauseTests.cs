using System.Collections.Generic;
using CoSched;
using Xunit;

namespace CoSched.Tests;

public class PauseTests
{
    [Fact]
    public void Two_coroutines_alternating_pause_interleave_ping_pong()
    {
        var s = new Scheduler();
        var log = new List<string>();
        s.Spawn(async () => { for (int i = 0; i < 3; i++) { log.Add("ping"); await Co.Pause(); } });
        s.Spawn(async () => { for (int i = 0; i < 3; i++) { log.Add("pong"); await Co.Pause(); } });
        DrainResult r;
        int calls = 0;
        do { r = s.RunUntilIdle(DrainBudget.Steps(1)); calls++; } while (r.Status == DrainStatus.BudgetExhausted);
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(new[] { "ping", "pong", "ping", "pong", "ping", "pong" }, log);
        Assert.True(calls >= 8);
    }

    [Fact]
    public void Round_resumes_only_coroutines_ready_at_its_start()
    {
        var s = new Scheduler();
        var log = new List<string>();
        s.Spawn(async () =>
        {
            log.Add("a1");
            s.Spawn(async () => { log.Add("c1"); await Co.Pause(); log.Add("c2"); });
            await Co.Pause();
            log.Add("a2");
        });
        s.Spawn(async () => { log.Add("b1"); await Co.Pause(); log.Add("b2"); });
        DrainResult r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(new[] { "a1", "b1", "c1", "a2", "b2", "c2" }, log);
        Assert.Equal(3, r.Rounds);
    }

    [Fact]
    public void Pause_awaited_outside_a_coroutine_throws_invalid_operation()
    {
        var ex = Assert.Throws<System.InvalidOperationException>(() => { _ = Co.Pause(); });
        Assert.Contains("Spawn", ex.Message);
        // A CoTask's outcome is read on a scheduler's thread (elsewhere the read throws WrongThreadException), so this
        // thread gets one; the test used to pass only when an earlier test had left one on xunit's thread.
        _ = new Scheduler();
        var ex2 = Assert.Throws<System.InvalidOperationException>(() => InCoTask().GetAwaiter().GetResult());
        Assert.Contains("outside any coroutine", ex2.Message);

        static async CoTask InCoTask() => await Co.Pause();
    }
}
