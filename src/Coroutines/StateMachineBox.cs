using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// Holds an async method's state machine once it first suspends, and is the <see cref="CoTaskSource{T}"/> its caller
/// awaits. Boxes are pooled in an unbounded per-thread free list per state-machine type (the BCL's pooling builder keeps
/// too few boxes to help with 100k live children). The continuation delegate is created once per box and reused.
/// </summary>
internal sealed class StateMachineBox<TStateMachine, TResult> : CoTaskSource<TResult>
    where TStateMachine : IAsyncStateMachine
{
    [ThreadStatic] private static StateMachineBox<TStateMachine, TResult>? t_pool;

    private static readonly ContextCallback s_runInContext =
        static state => ((StateMachineBox<TStateMachine, TResult>)state!).StateMachine.MoveNext();

    internal TStateMachine StateMachine = default!;
    private StateMachineBox<TStateMachine, TResult>? _nextFree;
    private ExecutionContext? _context;
    private Coroutine? _foreignOwner;
    internal readonly Action MoveNextAction;
    private readonly Action _foreignCompleted;

    private StateMachineBox()
    {
        MoveNextAction = MoveNext;
        _foreignCompleted = OnForeignCompleted;
    }

    internal static StateMachineBox<TStateMachine, TResult> Rent()
    {
        StateMachineBox<TStateMachine, TResult>? box = t_pool;
        if (box is null) return new StateMachineBox<TStateMachine, TResult>();
        t_pool = box._nextFree;
        box._nextFree = null;
        return box;
    }

    protected override void Recycle()
    {
        StateMachine = default!;
        _context = null;
        _foreignOwner = null;
        _nextFree = t_pool;
        t_pool = this;
    }

    /// <summary>Remembers the ExecutionContext to resume in, only when it is not the default (the common path pays nothing).</summary>
    internal void CaptureContext()
    {
        ExecutionContext? ec = ExecutionContext.Capture();
        _context = ReferenceEquals(ec, ExecutionContextDefault.Value) ? null : ec;
    }

    private void MoveNext()
    {
        ExecutionContext? ec = _context;
        if (ec is null)
        {
            StateMachine.MoveNext();
        }
        else
        {
            _context = null;
            ExecutionContext.Run(ec, s_runInContext, this);
        }
    }

    /// <summary>Parks the current coroutine on a .NET awaitable; it resumes through the scheduler's inbox.</summary>
    internal void AwaitForeign<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : ICriticalNotifyCompletion
    {
        Coroutine co = Scheduler.CurrentCoroutineOrNull ?? throw new InvalidOperationException(
            "A CoTask method awaited a .NET awaitable outside any coroutine. CoTask methods run on a CoSched scheduler: " +
            "start them with scheduler.Spawn(...) or scheduler.RunAsyncMain(...).");
        _foreignOwner = co;
        co.Scheduler.BeginForeignWait(co);
        // Our synchronization context would post the continuation to the inbox a second time; let it run anywhere.
        SynchronizationContext? sc = SynchronizationContext.Current;
        if (sc is not null) SynchronizationContext.SetSynchronizationContext(null);
        try { awaiter.UnsafeOnCompleted(_foreignCompleted); }
        finally { if (sc is not null) SynchronizationContext.SetSynchronizationContext(sc); }
    }

    private void OnForeignCompleted()
    {
        Coroutine co = _foreignOwner!;
        _foreignOwner = null;
        co.Scheduler.PostForeignResume(co, MoveNextAction);
    }
}

/// <summary>The default ExecutionContext, read once from a fresh thread (the runtime shares a single instance).</summary>
internal static class ExecutionContextDefault
{
    internal static readonly ExecutionContext? Value = ReadDefault();

    private static ExecutionContext? ReadDefault()
    {
        ExecutionContext? value = null;
        var t = new Thread(() => value = ExecutionContext.Capture());
        t.UnsafeStart();
        t.Join();
        return value;
    }
}
