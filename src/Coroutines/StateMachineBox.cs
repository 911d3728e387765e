using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// Holds an async method's state machine once it first suspends, and is the <see cref="CoTaskSource{T}"/> its caller
/// awaits. Boxes are pooled per scheduler and per state-machine type, in an unbounded pool (the BCL's pooling
/// builder keeps too few boxes to help with 100k live children); the pool goes with its scheduler. The box is its own
/// continuation (see <see cref="Resumable"/>): CoSched awaiters park the box itself, so it needs no MoveNext delegate.
/// </summary>
internal sealed class StateMachineBox<TStateMachine, TResult> : CoTaskSource<TResult>
    where TStateMachine : IAsyncStateMachine
{
    /// <summary>This box type's slot in each scheduler's pool table (a per-thread pool would cost a thread-static
    /// lookup per rent and per recycle: two per spawned coroutine).</summary>
    private static readonly int s_poolSlot = Scheduler.AllocatePoolSlot();

    internal TStateMachine StateMachine = default!;
    /// <summary>Created on the first foreign (.NET) await (see <see cref="ForeignCompletion"/>).</summary>
    private ForeignCompletion? _foreign;

    private StateMachineBox() { }


    internal static StateMachineBox<TStateMachine, TResult> Rent()
    {
        // Boxes are rented when a frame first suspends, which happens inside a drain (outside one, the await throws).
        Scheduler? scheduler = Scheduler.DrainingHere;
        if (scheduler is null) return new StateMachineBox<TStateMachine, TResult>();
        return Unsafe.As<StateMachineBox<TStateMachine, TResult>?>(scheduler.PoolTake(s_poolSlot))
               ?? new StateMachineBox<TStateMachine, TResult>();
    }

    protected override void Recycle()
    {
        StateMachine = default!;
        _foreign?.Clear();
        // Results are read inside drains; one read elsewhere (a host reading a finished CoTask) just leaves the box to the GC.
        Scheduler? scheduler = Scheduler.DrainingHere;
        if (scheduler is null) return;
        scheduler.PoolReturn(s_poolSlot, this);
    }

    // No ExecutionContext is captured here: the scheduler saves each coroutine's context when a step ends and restores it
    // when the next step begins (see Scheduler.Step), which is what makes AsyncLocal flow across every kind of await.
    internal override void Resume() => StateMachine.MoveNext();

    /// <summary>Parks the current coroutine on a .NET awaitable; it resumes through the scheduler's inbox.</summary>
    internal void AwaitForeign<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : ICriticalNotifyCompletion
    {
        SynchronizationContext? sc = BeginForeign();
        try { awaiter.UnsafeOnCompleted(_foreign!.Completed); }
        finally { EndForeign(sc); }
    }

    /// <summary>As <see cref="AwaitForeign{TAwaiter}"/>, for awaiters that only implement INotifyCompletion.</summary>
    internal void AwaitForeignSafe<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : INotifyCompletion
    {
        SynchronizationContext? sc = BeginForeign();
        try { awaiter.OnCompleted(_foreign!.Completed); }
        finally { EndForeign(sc); }
    }

    private SynchronizationContext? BeginForeign()
    {
        Coroutine co = Scheduler.CurrentCoroutineOrNull ?? throw new InvalidOperationException(
            "A CoTask method awaited a .NET awaitable outside any coroutine. CoTask methods run on a CoSched scheduler: " +
            "start them with scheduler.Spawn(...) or scheduler.RunAsyncMain(...).");
        (_foreign ??= new ForeignCompletion(this)).Arm(co);
        co.Scheduler.BeginForeignWait(co);
        // Our synchronization context would post the continuation to the inbox a second time; let it run anywhere.
        SynchronizationContext? sc = SynchronizationContext.Current;
        if (sc is not null) SynchronizationContext.SetSynchronizationContext(null);
        return sc;
    }

    private static void EndForeign(SynchronizationContext? sc)
    {
        if (sc is not null) SynchronizationContext.SetSynchronizationContext(sc);
    }
}
