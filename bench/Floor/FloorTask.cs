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
}

/// <summary>The box of one state-machine type.</summary>
internal sealed class FloorBox<TStateMachine> : FloorBox where TStateMachine : IAsyncStateMachine
{
    internal TStateMachine StateMachine = default!;

    internal override void Resume() => StateMachine.MoveNext();
}

/// <summary>
/// The floor's builder: boxes the state machine on the first suspension (once per method call) and queues the box on
/// every await. No ExecutionContext, no cancellation, no thread check, no completion signalling.
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

    /// <summary>Completes the method (nothing waits for it).</summary>
    public void SetResult() { }

    /// <summary>Fails the method: rethrown at once (the floor has no error path).</summary>
    public void SetException(Exception exception) => throw exception;

    /// <summary>Suspends: queues the box.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>Suspends: queues the box.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine
    {
        if (_box is not FloorBox<TStateMachine> box)
        {
            box = new FloorBox<TStateMachine>();
            _box = box;
            box.StateMachine = stateMachine;
        }
        FloorScheduler.Current.Enqueue(box);
    }
}
