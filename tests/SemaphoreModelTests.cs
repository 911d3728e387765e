using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CoSched;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace CoSched.Tests;

/// <summary>
/// Model-based test of <see cref="CoSemaphore"/>: random acquires by coroutines, TryAcquire/Release by the host, cancels
/// and partial drains, compared after every operation with a counter-and-list model. Independently of the model,
/// permits are conserved: free permits = initial + releases - acquisitions, never above the size.
/// </summary>
public class SemaphoreModelTests
{
    internal const int Cases = 5000;

    public enum Op { SpawnAcquire, TryAcquire, Release, Cancel, Step, Drain }

    public readonly record struct SemStep(Op Op, int Arg)
    {
        public override string ToString() => Op is Op.Cancel or Op.Step ? $"{Op}({Arg})" : Op.ToString();
    }

    public sealed record SemCase(int Size, int Initial, SemStep[] Steps)
    {
        public override string ToString() => $"size {Size}, initial {Initial}: [{string.Join(", ", Steps)}]";
    }

    private static readonly Gen<SemStep> StepGen = Gen.Frequency(
        (5, Gen.Constant(new SemStep(Op.SpawnAcquire, 0))),
        (2, Gen.Constant(new SemStep(Op.TryAcquire, 0))),
        (4, Gen.Constant(new SemStep(Op.Release, 0))),
        (3, Gen.Choose(0, 15).Select(k => new SemStep(Op.Cancel, k))),
        (4, Gen.Choose(1, 3).Select(n => new SemStep(Op.Step, n))),
        (2, Gen.Constant(new SemStep(Op.Drain, 0))));

    private static readonly Gen<SemCase> CaseGen =
        from size in Gen.Choose(1, 3)
        from initial in Gen.Choose(0, size)
        from length in Gen.Choose(1, 40)
        from steps in StepGen.ArrayOf(length)
        select new SemCase(size, initial, steps);

    private static int s_casesRun;

    [Fact]
    public void Semaphore_matches_the_model_for_random_operation_sequences()
    {
        s_casesRun = 0;
        ModelCheck.Run("CoSemaphore model", CaseGen,
                       c => ModelCheck.ShrinkSteps(c.Steps).Select(steps => c with { Steps = steps }), Cases, RunCase);
        Assert.Equal(Cases, s_casesRun);
    }

    private static void RunCase(SemCase c)
    {
        s_casesRun++;
        var s = new Scheduler();
        var sem = new CoSemaphore(s, c.Size, c.Initial);
        var model = new SemaphoreModel(c.Size, c.Initial);
        var handles = new List<CoroutineHandle>();
        var results = new List<string?>();
        var trace = new StringBuilder();
        int releases = 0, hostAcquisitions = 0;

        foreach (SemStep step in c.Steps)
        {
            trace.Append("  ").Append(step).AppendLine();
            switch (step.Op)
            {
                case Op.SpawnAcquire:
                {
                    int id = handles.Count;
                    results.Add(null);
                    handles.Add(s.Spawn(async () =>
                    {
                        try { await sem.Acquire(); results[id] = "acquired"; }
                        catch (CancelledException) { results[id] = "cancelled"; }
                    }));
                    model.Spawn("acquire", -1);
                    break;
                }
                case Op.TryAcquire:
                {
                    string real = sem.TryAcquire() ? "true" : "false";
                    ModelCheck.Expect(real, model.TryAcquire(), "TryAcquire", trace);
                    if (real == "true") hostAcquisitions++;
                    break;
                }
                case Op.Release:
                {
                    string real = ModelCheck.Outcome(() => { sem.Release(); return "ok"; });
                    ModelCheck.Expect(real, model.Release(), "Release", trace);
                    if (real == "ok") releases++;
                    break;
                }
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
            Compare(sem, model, handles, results, trace);
            if (sem.Available < 0 || sem.Available > c.Size) ModelCheck.Fail(trace, $"Available {sem.Available} out of range");
        }

        // The end: release until every waiter has a permit; all coroutines must end, and permits add up.
        trace.AppendLine("  (release to every waiter, drain)");
        s.RunUntilIdle();
        model.Run(int.MaxValue);
        while (sem.WaiterCount > 0)
        {
            sem.Release();
            ModelCheck.Expect("ok", model.Release(), "final Release", trace);
            releases++;
            s.RunUntilIdle();
            model.Run(int.MaxValue);
        }
        Compare(sem, model, handles, results, trace);
        if (s.RunUntilIdle().Status != DrainStatus.Completed || results.Any(r => r is null))
            ModelCheck.Fail(trace, "a coroutine is still blocked after every waiter was given a permit");
        int acquisitions = hostAcquisitions + results.Count(r => r == "acquired");
        if (sem.Available != c.Initial + releases - acquisitions)
            ModelCheck.Fail(trace, $"permits not conserved: {sem.Available} free, initial {c.Initial} + {releases} releases - {acquisitions} acquisitions");
    }

    private static void Compare(CoSemaphore sem, SemaphoreModel model, List<CoroutineHandle> handles, List<string?> results, StringBuilder trace)
    {
        ModelCheck.CompareActors(handles, results, model, trace);
        ModelCheck.Expect(sem.Available, model.Available, "Available", trace);
        ModelCheck.Expect(sem.WaiterCount, model.Waiters.Count, "waiters", trace);
    }

    /// <summary>The semaphore as a counter and a FIFO of waiters; a release hands the permit to the first waiter.</summary>
    private sealed class SemaphoreModel(int size, int initial) : ModelWorld
    {
        public int Available = initial;
        public readonly List<ModelActor> Waiters = new();

        public string TryAcquire()
        {
            if (Available == 0) return "false";
            Available--;
            return "true";
        }

        public string Release()
        {
            if (Waiters.Count > 0)
            {
                ModelActor w = Waiters[0];
                Waiters.RemoveAt(0);
                Wake(w, "acquired");
                return "ok";
            }
            if (Available == size) return "full";
            Available++;
            return "ok";
        }

        protected override void Start(ModelActor a)
        {
            if (Available > 0)
            {
                Available--;
                Finish(a, "acquired");
            }
            else if (a.Cancelled) Finish(a, "cancelled");
            else Park(a, Waiters);
        }

        protected override void RemoveParked(ModelActor a) => Waiters.Remove(a);
    }
}
