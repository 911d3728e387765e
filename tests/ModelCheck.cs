using System;
using System.Collections.Generic;
using System.Text;
using CoSched;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xunit.Sdk;

namespace CoSched.Tests;

/// <summary>
/// Runs FsCheck properties with a fixed seed, so every run checks the same cases and a failure reproduces; the seed is
/// printed on failure and can be overridden with the COSCHED_MODEL_SEED environment variable to explore other cases.
/// </summary>
internal static class ModelCheck
{
    private const ulong DefaultSeed = 0x5EED_C05C_0004;

    internal static void Run<T>(string name, Gen<T> gen, Func<T, IEnumerable<T>> shrink, int cases, Action<T> property)
    {
        ulong seed = Seed();
        Config config = Config.QuickThrowOnFailure
            .WithMaxTest(cases)
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed), FSharpOption<int>.None)));
        try
        {
            Check.One(name, config, Prop.ForAll(Arb.From(gen, shrink), property));
        }
        catch (Exception e)
        {
            throw new XunitException($"{name}: model check failed with seed {seed} " +
                                     $"(reproduce with COSCHED_MODEL_SEED={seed}).{Environment.NewLine}{e.Message}");
        }
    }

    private static ulong Seed()
    {
        string? text = Environment.GetEnvironmentVariable("COSCHED_MODEL_SEED");
        return text is null ? DefaultSeed : ulong.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Shrinks an operation sequence: drop the second half, the first half, then one step at a time.</summary>
    internal static IEnumerable<TStep[]> ShrinkSteps<TStep>(TStep[] steps)
    {
        if (steps.Length == 0) yield break;
        if (steps.Length > 1)
        {
            yield return steps[..(steps.Length / 2)];
            yield return steps[(steps.Length / 2)..];
        }
        for (int i = steps.Length - 1; i >= 0; i--)
        {
            var shorter = new TStep[steps.Length - 1];
            Array.Copy(steps, 0, shorter, 0, i);
            Array.Copy(steps, i + 1, shorter, i, steps.Length - i - 1);
            yield return shorter;
        }
    }

    /// <summary>
    /// Compares every real coroutine's recorded outcome with the model's: a coroutine has ended exactly when the model
    /// says so, with the same outcome; a coroutine that failed with an unexpected exception is reported with it.
    /// </summary>
    internal static void CompareActors(List<CoroutineHandle> handles, List<string?> results, ModelWorld model, StringBuilder trace)
    {
        for (int i = 0; i < handles.Count; i++)
        {
            if (handles[i].State == CoroutineState.Failed)
                Fail(trace, $"actor {i} failed unexpectedly: {handles[i].Exception}");
            string? expected = model.Actors[i].Result;
            if (results[i] != expected)
                Fail(trace, $"actor {i} ({model.Actors[i].Describe()}): real outcome '{results[i] ?? "(running)"}', model '{expected ?? "(running)"}'");
        }
    }

    internal static void Expect<TValue>(TValue real, TValue model, string what, StringBuilder trace)
    {
        if (!EqualityComparer<TValue>.Default.Equals(real, model)) Fail(trace, $"{what}: real {real}, model {model}");
    }

    internal static void Fail(StringBuilder trace, string message) =>
        throw new InvalidOperationException($"{message}{Environment.NewLine}trace:{Environment.NewLine}{trace}");

    /// <summary>Runs an action that may throw the primitive's documented exceptions; returns its outcome as text.</summary>
    internal static string Outcome(Func<string> action)
    {
        try { return action(); }
        catch (QueueClosedException) { return "closed"; }
        catch (ModelCloseError) { return "error"; }
        catch (System.Threading.SemaphoreFullException) { return "full"; }
    }
}

/// <summary>The error a model test closes queues with (distinct from every exception CoSched throws).</summary>
internal sealed class ModelCloseError() : Exception("closed by the model test");

internal enum ModelActorState
{
    /// <summary>Spawned, in the ready queue, body not started.</summary>
    Queued,
    Parked,
    /// <summary>Handed its outcome (value, permit, signal, cancel, close) and queued to resume.</summary>
    Woken,
    Done,
}

/// <summary>One coroutine of a model world: a single primitive operation and its outcome.</summary>
internal sealed class ModelActor
{
    public int Id;
    public string Operation = "";
    public int Value;
    public ModelActorState State;
    public bool Cancelled;
    public string? Pending;
    public string? Result;

    public string Describe() => Value >= 0 ? $"{Operation} {Value}" : Operation;
}

/// <summary>
/// The scheduler side of a model: a FIFO ready queue stepped one coroutine at a time (rounds do not change the order of
/// a FIFO), spawn shields (a cancel before the body starts is delivered at its first suspension), sticky cancels that
/// remove a parked waiter at once, and wakes that keep their outcome even when a cancel follows.
/// </summary>
internal abstract class ModelWorld
{
    public readonly List<ModelActor> Actors = new();
    private readonly Queue<ModelActor> _ready = new();

    public int ReadyCount => _ready.Count;

    public ModelActor Spawn(string operation, int value)
    {
        var a = new ModelActor { Id = Actors.Count, Operation = operation, Value = value, State = ModelActorState.Queued };
        Actors.Add(a);
        _ready.Enqueue(a);
        return a;
    }

    /// <summary>Like RunUntilIdle(Steps(n)): resumes up to <paramref name="maxSteps"/> ready coroutines in FIFO order.</summary>
    public void Run(int maxSteps)
    {
        for (int i = 0; i < maxSteps && _ready.Count > 0; i++)
        {
            ModelActor a = _ready.Dequeue();
            if (a.State == ModelActorState.Woken) Finish(a, a.Pending!);
            else Start(a);
        }
    }

    public void Cancel(int index)
    {
        ModelActor a = Actors[index];
        if (a.State == ModelActorState.Done || a.Cancelled) return;
        a.Cancelled = true;
        if (a.State != ModelActorState.Parked) return; // not started (shielded) or already woken: nothing to undo
        RemoveParked(a);
        Wake(a, "cancelled");
    }

    protected void Wake(ModelActor a, string outcome)
    {
        a.State = ModelActorState.Woken;
        a.Pending = outcome;
        _ready.Enqueue(a);
    }

    protected static void Finish(ModelActor a, string result)
    {
        a.State = ModelActorState.Done;
        a.Result = result;
    }

    protected static void Park(ModelActor a, List<ModelActor> waiters)
    {
        a.State = ModelActorState.Parked;
        waiters.Add(a);
    }

    /// <summary>The actor's body starts: it performs its operation (fast path, or a cancel check, or parking).</summary>
    protected abstract void Start(ModelActor a);

    /// <summary>Removes a parked actor from the primitive's waiter list (a cancel before any hand-off).</summary>
    protected abstract void RemoveParked(ModelActor a);
}
