using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>The async method builder of <see cref="CoTask{T}"/>. Used by the compiler; not called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoTaskMethodBuilder<T>
{
    // The box once the method suspends, or a faulted source if it threw before (see CoTaskMethodBuilder).
    private CoTaskSource<T>? _box;
    private T _result;

    /// <summary>Creates a builder.</summary>
    public static CoTaskMethodBuilder<T> Create() => default;

    /// <summary>The task the method returns.</summary>
    public CoTask<T> Task => _box is not null ? new CoTask<T>(_box, _box.Version) : new CoTask<T>(_result);

    /// <summary>Runs the method up to its first suspension.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine =>
        CoTaskMethodBuilderCore.Start(ref stateMachine);

    /// <summary>Not used: boxes are created by the builder itself.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>Completes the method.</summary>
    public void SetResult(T result)
    {
        if (_box is not null) _box.SetResult(result);
        else _result = result;
    }

    /// <summary>Fails the method.</summary>
    public void SetException(Exception exception)
    {
        if (_box is not null) _box.SetException(exception);
        else _box = new FaultedCoTaskSource<T>(exception);
    }

    /// <summary>Suspends on an awaiter.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine
        => CoTaskMethodBuilderCore.AwaitSafe(ref awaiter, GetBox(ref stateMachine));

    /// <summary>Suspends on an awaiter.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
        CoTaskMethodBuilderCore.Await(ref awaiter, GetBox(ref stateMachine));

    private StateMachineBox<TStateMachine, T> GetBox<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        if (_box is StateMachineBox<TStateMachine, T> existing) return existing;
        var box = StateMachineBox<TStateMachine, T>.Rent();
        _box = box; // set before the copy, so the boxed state machine's builder points at its box
        box.StateMachine = stateMachine;
        return box;
    }
}
