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

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowConsumed() =>
        throw new InvalidOperationException("This coroutine's outcome was already consumed by another Wait() (its record has " +
                                            "been recycled). Keep the value a Wait() returned instead of waiting again.");

    /// <summary>Gets the awaiter (itself).</summary>
    public JoinAwaitable<T> GetAwaiter() => this;

    /// <summary>True when the target has already ended. Throws if the waiter is being cancelled.</summary>
    public bool IsCompleted
    {
        get
        {
            // A stale awaitable (the outcome was consumed and the record recycled, maybe reused by another coroutine) is
            // refused before it reads or waits on the record's new owner (reliability bug 19).
            if (_target.Version != _version) ThrowConsumed();
            if (_target.HasEnded)
            {
                // Even at once, not while the coroutine already waits (see Coroutine.CheckCanPark): this throws.
                if (_waiter.Waiting) _waiter.CheckCanPark();
                return true;
            }
            _waiter.CheckCanJoin(_target); // refusals here, not in the park, so the awaiting method's finally blocks run
            _waiter.ThrowIfCancelled();
            return false;
        }
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
    internal void ParkCo(object continuation)
    {
        if (ReferenceEquals(_target, _waiter)) Coroutine.ThrowSelfJoin();
        if (_target.Version != _version) ThrowConsumed(); // a hand-driven awaiter: IsCompleted may not have run
        _waiter.Park(continuation, _target);
        _target.Extras.Joiners.Add(_waiter);
    }

    /// <summary>Returns the target's result or rethrows its exception; throws <see cref="CancelledException"/> if the wait was cancelled.</summary>
    public T GetResult()
    {
        WaitOutcome outcome = _waiter.EndWait();
        if (outcome == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
        Coroutine<T> target = _target;
        if (target.Version != _version) ThrowConsumed();
        if (outcome == WaitOutcome.Signaled) target.Extras.PendingJoinWakes--;
        target.JoinConsumed = true;
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

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowConsumed() =>
        throw new InvalidOperationException("This coroutine's outcome was already consumed by another Wait() (its record has " +
                                            "been recycled). Keep the value a Wait() returned instead of waiting again.");

    /// <summary>Gets the awaiter (itself).</summary>
    public JoinAwaitable GetAwaiter() => this;

    /// <summary>True when the target has already ended. Throws if the waiter is being cancelled.</summary>
    public bool IsCompleted
    {
        get
        {
            // A stale awaitable (the outcome was consumed and the record recycled, maybe reused by another coroutine) is
            // refused before it reads or waits on the record's new owner (reliability bug 19).
            if (_target.Version != _version) ThrowConsumed();
            if (_target.HasEnded)
            {
                // Even at once, not while the coroutine already waits (see Coroutine.CheckCanPark): this throws.
                if (_waiter.Waiting) _waiter.CheckCanPark();
                return true;
            }
            _waiter.CheckCanJoin(_target); // refusals here, not in the park, so the awaiting method's finally blocks run
            _waiter.ThrowIfCancelled();
            return false;
        }
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
    internal void ParkCo(object continuation)
    {
        if (ReferenceEquals(_target, _waiter)) Coroutine.ThrowSelfJoin();
        if (_target.Version != _version) ThrowConsumed(); // a hand-driven awaiter: IsCompleted may not have run
        _waiter.Park(continuation, _target);
        _target.Extras.Joiners.Add(_waiter);
    }

    /// <summary>Rethrows the target's exception, if any; throws <see cref="CancelledException"/> if the wait was cancelled.</summary>
    public void GetResult()
    {
        WaitOutcome outcome = _waiter.EndWait();
        if (outcome == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
        Coroutine target = _target;
        if (target.Version != _version) ThrowConsumed();
        if (outcome == WaitOutcome.Signaled) target.Extras.PendingJoinWakes--;
        target.JoinConsumed = true;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = target.Error;
        target.TryRecycle();
        error?.Throw();
    }
}
