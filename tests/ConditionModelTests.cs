using System.Collections.Generic;
using System.Linq;
using System.Text;
using CoSched;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace CoSched.Tests;

/// <summary>
/// Model-based test of <see cref="CoCondition"/>: random waits by coroutines, signals and broadcasts by the host,
/// cancels and partial drains, compared after every operation with a FIFO-list model (a signal with no waiter is lost,
/// a woken waiter returns normally even if cancelled afterwards, a cancelled waiter leaves at once).
/// </summary>
public class ConditionModelTests
{
    internal const int Cases = 5000;

    public enum Op { SpawnWait, Signal, Broadcast, Cancel, Step, Drain }

    public readonly record struct CondStep(Op Op, int Arg)
    {
        public override string ToString() => Op is Op.Cancel or Op.Step ? $"{Op}({Arg})" : Op.ToString();
    }

    private static readonly Gen<CondStep> StepGen = Gen.Frequency(
        (5, Gen.Constant(new CondStep(Op.SpawnWait, 0))),
        (3, Gen.Constant(new CondStep(Op.Signal, 0))),
        (1, Gen.Constant(new CondStep(Op.Broadcast, 0))),
        (3, Gen.Choose(0, 15).Select(k => new CondStep(Op.Cancel, k))),
        (4, Gen.Choose(1, 3).Select(n => new CondStep(Op.Step, n))),
        (2, Gen.Constant(new CondStep(Op.Drain, 0))));

    private static readonly Gen<CondStep[]> CaseGen =
        from length in Gen.Choose(1, 40)
        from steps in StepGen.ArrayOf(length)
        select steps;

    private static int s_casesRun;

    [Fact]
    public void Condition_matches_the_model_for_random_operation_sequences()
    {
        s_casesRun = 0;
        ModelCheck.Run("CoCondition model", CaseGen, ModelCheck.ShrinkSteps, Cases, RunCase);
        Assert.Equal(Cases, s_casesRun);
    }

    private static void RunCase(CondStep[] steps)
    {
        s_casesRun++;
        var s = new Scheduler();
        var cond = new CoCondition(s);
        var model = new ConditionModel();
        var handles = new List<CoroutineHandle>();
        var results = new List<string?>();
        var trace = new StringBuilder();

        foreach (CondStep step in steps)
        {
            trace.Append("  ").Append(step).AppendLine();
            switch (step.Op)
            {
                case Op.SpawnWait:
                {
                    int id = handles.Count;
                    results.Add(null);
                    handles.Add(s.Spawn(async () =>
                    {
                        try { await cond.Wait(); results[id] = "woken"; }
                        catch (CancelledException) { results[id] = "cancelled"; }
                    }));
                    model.Spawn("wait", -1);
                    break;
                }
                case Op.Signal:
                    ModelCheck.Expect(cond.Signal(), model.Signal(), "Signal", trace);
                    break;
                case Op.Broadcast:
                    ModelCheck.Expect(cond.Broadcast(), model.Broadcast(), "Broadcast", trace);
                    break;
                case Op.Cancel:
                    if (handles.Count == 0) break;
                    handles[step.Arg % handles.Count].Cancel();
                    model.Cancel(step.Arg % handles.Count);
                    break;
                case Op.Step:
                    s.RunUntilIdle(DrainBudget.Steps(step.Arg));
                    model.Run(step.Arg);
                    break;
                case Op.Drain:
                    s.RunUntilIdle();
                    model.Run(int.MaxValue);
                    break;
            }
            ModelCheck.CompareActors(handles, results, model, trace);
            ModelCheck.Expect(cond.WaiterCount, model.Waiters.Count, "waiters", trace);
        }

        trace.AppendLine("  (drain, broadcast, drain)");
        s.RunUntilIdle();
        model.Run(int.MaxValue);
        ModelCheck.Expect(cond.Broadcast(), model.Broadcast(), "final Broadcast", trace);
        DrainResult end = s.RunUntilIdle();
        model.Run(int.MaxValue);
        ModelCheck.CompareActors(handles, results, model, trace);
        if (end.Status != DrainStatus.Completed || results.Any(r => r is null))
            ModelCheck.Fail(trace, "a waiter is still blocked after the final broadcast");
    }

    private sealed class ConditionModel : ModelWorld
    {
        public readonly List<ModelActor> Waiters = new();

        public bool Signal()
        {
            if (Waiters.Count == 0) return false;
            ModelActor w = Waiters[0];
            Waiters.RemoveAt(0);
            Wake(w, "woken");
            return true;
        }

        public int Broadcast()
        {
            int n = Waiters.Count;
            foreach (ModelActor w in Waiters) Wake(w, "woken");
            Waiters.Clear();
            return n;
        }

        protected override void Start(ModelActor a)
        {
            if (a.Cancelled) Finish(a, "cancelled"); // a wait always suspends, so a pending cancel is delivered
            else Park(a, Waiters);
        }

        protected override void RemoveParked(ModelActor a) => Waiters.Remove(a);
    }
}
