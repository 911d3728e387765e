using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>Awaits the end of a coroutine and returns its result. Returned by <see cref="CoroutineHandle{T}.Wait"/>.</summary>
public readonly struct JoinAwaitable<T> : ICriticalNotifyCompletion, ICoAwaiter<JoinAwaitable<T>>
{
    private readonly Coroutine<T> _target;
    private readonly Coroutine _waiter;
    private readonly int _version;

    internal JoinAwaitable(Coroutine<T> target, Coroutine waiter)
    {
        _target = target;
        _waiter = waiter;
        _version = target.Version;
    }

    /// <summary>Gets the awaiter (itself).</summary>
    public JoinAwaitable<T> GetAwaiter() => this;

    /// <summary>True when the target has already ended. Throws if the waiter is being cancelled.</summary>
    public bool IsCompleted => Join.IsCompleted(_target, _version, _waiter);

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
    internal void ParkCo(object continuation) => Join.Park(_target, _version, _waiter, continuation);

    /// <summary>Returns the target's result or rethrows its exception; throws <see cref="CancelledException"/> if the wait was cancelled.</summary>
    public T GetResult()
    {
        Coroutine<T> target = _target;
        Join.Consume(target, _version, _waiter);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = target.Error;
        T result = target.Result;
        target.TryRecycle();
        error?.Throw();
        return result;
    }
}

/// <summary>Awaits the end of a coroutine. Returned by <see cref="CoroutineHandle.Wait"/>.</summary>
public readonly struct JoinAwaitable : ICriticalNotifyCompletion, ICoAwaiter<JoinAwaitable>
{
    private readonly Coroutine _target;
    private readonly Coroutine _waiter;
    private readonly int _version;

    internal JoinAwaitable(Coroutine target, Coroutine waiter)
    {
        _target = target;
        _waiter = waiter;
        _version = target.Version;
    }

    /// <summary>Gets the awaiter (itself).</summary>
    public JoinAwaitable GetAwaiter() => this;

    /// <summary>True when the target has already ended. Throws if the waiter is being cancelled.</summary>
    public bool IsCompleted => Join.IsCompleted(_target, _version, _waiter);

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
    internal void ParkCo(object continuation) => Join.Park(_target, _version, _waiter, continuation);

    /// <summary>Rethrows the target's exception, if any; throws <see cref="CancelledException"/> if the wait was cancelled.</summary>
    public void GetResult()
    {
        Coroutine target = _target;
        Join.Consume(target, _version, _waiter);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = target.Error;
        target.TryRecycle();
        error?.Throw();
    }
}

/// <summary>What both join awaitables do: they differ only in reading a result.</summary>
internal static class Join
{
    internal static bool IsCompleted(Coroutine target, int version, Coroutine waiter)
    {
        // A stale awaitable (the outcome was consumed and the record recycled, maybe reused by another coroutine) is
        // refused before it reads or waits on the record's new owner (reliability bug 19).
        if (target.Version != version) ThrowConsumed();
        if (target.HasEnded)
        {
            waiter.CheckCanCompleteAtOnce();
            return true;
        }
        waiter.CheckCanJoin(target); // refusals here, not in the park, so the awaiting method's finally blocks run
        waiter.ThrowIfCancelled();
        return false;
    }

    internal static void Park(Coroutine target, int version, Coroutine waiter, object continuation)
    {
        if (ReferenceEquals(target, waiter)) Coroutine.ThrowSelfJoin();
        if (target.Version != version) ThrowConsumed(); // a hand-driven awaiter: IsCompleted may not have run
        waiter.Park(continuation, target);
        target.Extras.Joiners.Add(waiter);
    }

    /// <summary>Ends the wait and marks the outcome consumed; the caller reads it, then recycles the record.</summary>
    internal static void Consume(Coroutine target, int version, Coroutine waiter)
    {
        WaitOutcome outcome = waiter.EndWait();
        if (outcome == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
        if (target.Version != version) ThrowConsumed();
        if (outcome == WaitOutcome.Signaled) target.Extras.PendingJoinWakes--;
        target.JoinConsumed = true;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowConsumed() =>
        throw new InvalidOperationException("This coroutine's outcome was already consumed by another Wait() (its record has " +
                                            "been recycled). Keep the value a Wait() returned instead of waiting again.");
}
