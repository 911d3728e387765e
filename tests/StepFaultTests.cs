using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using CoSched;
using Xunit;

namespace CoSched.Tests;

/// <summary>
/// A step can throw outside the body's task only through a continuation the library did not build: here an Action
/// parked by hand on a pause. The drain loop has no handler of its own (RunUntilIdle catches step faults around it), so
/// these tests pin what the fault does: the coroutine fails, and the rest of its round still runs in that round.
/// </summary>
public class StepFaultTests
{
    private static CoTask ParkThrowingActionThenAwait(Task never)
    {
        // Parks the coroutine on a pause with an Action that throws when resumed, then returns a task that stays
        // pending: the coroutine does not end, so the next round resumes the Action.
        Co.Pause().GetAwaiter().UnsafeOnCompleted(() => throw new InvalidTimeZoneException("step fault"));
        return Await(never);

        static async CoTask Await(Task t) => await t;
    }

    [Fact]
    public void A_faulting_step_fails_its_coroutine_and_the_rest_of_the_round_runs_in_that_round()
    {
        var s = new Scheduler();
        var log = new List<string>();
        var never = new TaskCompletionSource();
        s.SpawnBackground(async () => { log.Add("a1"); await Co.Pause(); log.Add("a2"); await Co.Pause(); log.Add("a3"); });
        CoroutineHandle faulty = s.Spawn(() => ParkThrowingActionThenAwait(never.Task));
        s.SpawnBackground(async () => { log.Add("c1"); await Co.Pause(); log.Add("c2"); await Co.Pause(); log.Add("c3"); });

        DrainResult r = s.RunUntilIdle();

        Assert.Equal(CoroutineState.Failed, faulty.State);
        Assert.IsType<InvalidTimeZoneException>(faulty.Exception);
        Assert.Equal(new[] { "a1", "c1", "a2", "c2", "a3", "c3" }, log);
        // Round 1: a, faulty, c start. Round 2: a, faulty (throws), c. Round 3: a, c. The fault did not split round 2.
        Assert.Equal(3, r.Rounds);
        Assert.Equal(8, r.Steps);
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(0, s.LiveCoroutines);
        never.SetResult(); // the abandoned foreign await completes after the end: nothing runs, nothing throws
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
    }

    [Fact]
    public void A_faulting_step_under_a_step_budget_keeps_the_count_and_the_next_drain_goes_on()
    {
        var s = new Scheduler();
        var never = new TaskCompletionSource();
        int n = 0;
        CoroutineHandle faulty = s.Spawn(() => ParkThrowingActionThenAwait(never.Task));
        for (int i = 0; i < 3; i++) s.SpawnBackground(async () => { n++; await Co.Pause(); n++; });

        DrainResult r = s.RunUntilIdle(DrainBudget.Steps(6)); // round 1: 4 steps; round 2: the fault, then 1 more
        Assert.Equal(DrainStatus.BudgetExhausted, r.Status);
        Assert.Equal(6, r.Steps);
        Assert.Equal(CoroutineState.Failed, faulty.State);
        Assert.Equal(4, n);

        r = s.RunUntilIdle();
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(2, r.Steps);
        Assert.Equal(6, n);
    }
}
