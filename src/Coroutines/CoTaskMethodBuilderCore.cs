using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched;

/// <summary>The logic the two CoTask builders share.</summary>
internal static class CoTaskMethodBuilderCore
{
    /// <summary>Runs the first step synchronously, restoring the ExecutionContext as the BCL builders do.</summary>
    internal static void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine
    {
        Thread thread = Scheduler.DrainingHereHint?.Thread ?? Thread.CurrentThread;
        ExecutionContext? before = ThreadContext.Get(thread);
        try
        {
            stateMachine.MoveNext();
        }
        finally
        {
            // AsyncLocal values set by the synchronous part of a callee must not leak into its caller.
            if (!ReferenceEquals(ThreadContext.Get(thread), before)) ThreadContext.Restore(before);
        }
    }

    internal static void Await<TAwaiter, TStateMachine, TResult>(
        ref TAwaiter awaiter, StateMachineBox<TStateMachine, TResult> box)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine
    {
        if (CoAwaiterCheck<TAwaiter>.IsCoAwaiter) CoAwaiterPark.Park(ref awaiter, box);
        else box.AwaitForeign(ref awaiter);
    }

    internal static void AwaitSafe<TAwaiter, TStateMachine, TResult>(
        ref TAwaiter awaiter, StateMachineBox<TStateMachine, TResult> box)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine
    {
        if (CoAwaiterCheck<TAwaiter>.IsCoAwaiter) CoAwaiterPark.Park(ref awaiter, box);
        else box.AwaitForeignSafe(ref awaiter);
    }
}
