using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// A pending <see cref="CoSemaphore.Acquire"/> (its own awaiter). Await it once: each await takes one permit.
/// </summary>
public readonly struct SemaphoreAcquireAwaitable : ICriticalNotifyCompletion, ICoAwaiter<SemaphoreAcquireAwaitable>
{
    private readonly CoSemaphore _semaphore;
    private readonly Coroutine _co;

    internal SemaphoreAcquireAwaitable(CoSemaphore semaphore, Coroutine co)
    {
        _semaphore = semaphore;
        _co = co;
    }

    /// <summary>Gets the awaiter (itself).</summary>
    public SemaphoreAcquireAwaitable GetAwaiter() => this;

    /// <summary>True (holding the permit) when one was free; otherwise throws if the coroutine is being cancelled.</summary>
    public bool IsCompleted
    {
        get
        {
            if (_semaphore.TryTake()) return true;
            _co.ThrowIfCancelled();
            return false;
        }
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
    internal void ParkCo(object continuation) => _semaphore.Park(_co, continuation);

    /// <summary>Returns holding a permit; throws <see cref="CancelledException"/> if cancelled before the hand-off.</summary>
    public void GetResult()
    {
        if (_co.EndWait() == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
    }
}
