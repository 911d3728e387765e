using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>Awaits a <see cref="CoLazy{T}"/>'s value. Returned by <see cref="CoLazy{T}.Wait"/>.</summary>
public readonly struct LazyAwaitable<T> : ICriticalNotifyCompletion, ICoAwaiter<LazyAwaitable<T>>
{
    private readonly CoLazy<T> _lazy;
    private readonly Coroutine _waiter;

    internal LazyAwaitable(CoLazy<T> lazy, Coroutine waiter)
    {
        _lazy = lazy;
        _waiter = waiter;
    }

    /// <summary>Gets the awaiter (itself).</summary>
    public LazyAwaitable<T> GetAwaiter() => this;

    /// <summary>True once the value (or error) is there. Throws if the waiter is being cancelled; otherwise starts the initializer if none runs.</summary>
    public bool IsCompleted
    {
        get
        {
            if (_lazy.IsSettled)
            {
                _waiter.CheckCanCompleteAtOnce();
                return true;
            }
            // Refusals here, not in the park, so the awaiting method's finally blocks run; and before the initializer
            // starts (it spawns), so a carried awaitable changes nothing.
            _waiter.CheckCanPark();
            _waiter.ThrowIfCancelled();
            _lazy.EnsureStarted();
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
        _waiter.Park(continuation, _lazy);
        _lazy.AddWaiter(_waiter);
    }

    /// <summary>Returns the value or rethrows the initializer's error; throws <see cref="CancelledException"/> if this wait was cancelled.</summary>
    public T GetResult()
    {
        if (_waiter.EndWait() == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
        return _lazy.GetSettled();
    }
}
