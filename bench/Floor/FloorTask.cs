using System;
using System.Runtime.CompilerServices;

namespace CoSched.Bench.Floor;

/// <summary>
/// The task type of the featureless floor (see <see cref="FloorScheduler"/>): an async method returning it runs on the
/// floor scheduler. Nothing is checked and nothing but the box is kept: it is a yardstick, not a product.
/// </summary>
[AsyncMethodBuilder(typeof(FloorTaskBuilder))]
public readonly struct FloorTask;

/// <summary>A suspended floor method: its state machine, resumed by a virtual call.</summary>
internal abstract class FloorBox
{
    internal abstract void Resume();

    /// <summary>The method completed: back to its type's pool.</summary>
    internal abstract void Return();
}

/// <summary>The box of one state-machine type, pooled in an unbounded free list (as BASELINES.md's floor was).</summary>
internal sealed class FloorBox<TStateMachine> : FloorBox where TStateMachine : IAsyncStateMachine
{
    // Static, not per scheduler: the floor is single-threaded by fiat.
    private static FloorBox<TStateMachine>[] s_pool = new FloorBox<TStateMachine>[16];
    private static int s_pooled;

    internal TStateMachine StateMachine = default!;

    internal static FloorBox<TStateMachine> Rent() =>
        s_pooled > 0 ? s_pool[--s_pooled] : new FloorBox<TStateMachine>();

    internal override void Return()
    {
        StateMachine = default!;
        if (s_pooled == s_pool.Length) Array.Resize(ref s_pool, s_pool.Length * 2);
        s_pool[s_pooled++] = this;
    }

    internal override void Resume() => StateMachine.MoveNext();
}

/// <summary>
/// The floor's builder: boxes the state machine on the first suspension (a pooled box) and, on every await, hands the
/// box to the floor primitive awaited or queues it (a pause). No ExecutionContext, no cancellation, no thread check,
/// no completion signalling (a floor method's caller cannot await it).
/// </summary>
public struct FloorTaskBuilder
{
    private FloorBox? _box;

    /// <summary>Creates a builder.</summary>
    public static FloorTaskBuilder Create() => default;

    /// <summary>The task (carries nothing).</summary>
    public FloorTask Task => default;

    /// <summary>Runs the method to its first suspension.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine =>
        stateMachine.MoveNext();

    /// <summary>Not used.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>Completes the method: its box (if it ever suspended) goes back to the pool; nothing waits for it.</summary>
    public void SetResult() => _box?.Return();

    /// <summary>Fails the method: rethrown at once (the floor has no error path).</summary>
    public void SetException(Exception exception) => throw exception;

    /// <summary>Suspends (see <see cref="AwaitUnsafeOnCompleted{TAwaiter, TStateMachine}"/>).</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>Suspends: parks the box with the floor primitive awaited, or queues it (a pause).</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine
    {
        if (_box is not FloorBox<TStateMachine> box)
        {
            box = FloorBox<TStateMachine>.Rent();
            _box = box; // before the copy, so the boxed state machine's builder points at its box
            box.StateMachine = stateMachine;
        }
        // JIT-folded type tests, as CoSched's builder does for its own awaiters.
        if (typeof(TAwaiter) == typeof(FloorAcquire)) Unsafe.As<TAwaiter, FloorAcquire>(ref awaiter).Park(box);
        else if (typeof(TAwaiter) == typeof(FloorConditionWait)) Unsafe.As<TAwaiter, FloorConditionWait>(ref awaiter).Park(box);
        else if (typeof(TAwaiter) == typeof(FloorJoinWait)) Unsafe.As<TAwaiter, FloorJoinWait>(ref awaiter).Park(box);
        else FloorScheduler.Current.Enqueue(box);
    }
}
