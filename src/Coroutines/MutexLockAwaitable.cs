using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>A pending <see cref="CoMutex.LockAsync"/> (its own awaiter). Await it once.</summary>
public readonly struct MutexLockAwaitable : ICriticalNotifyCompletion, ICoAwaiter<MutexLockAwaitable>
{
    private readonly CoMutex _mutex;
    private readonly SemaphoreAcquireAwaitable _acquire;

    internal MutexLockAwaitable(CoMutex mutex, SemaphoreAcquireAwaitable acquire)
    {
        _mutex = mutex;
        _acquire = acquire;
    }

    /// <summary>Gets the awaiter (itself).</summary>
    public MutexLockAwaitable GetAwaiter() => this;

    /// <summary>True (holding the lock) when it was free; otherwise throws if the coroutine is being cancelled.</summary>
    public bool IsCompleted => _acquire.IsCompleted;

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => _acquire.UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => _acquire.UnsafeOnCompleted(continuation);

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>The CoTask builder's park (see <see cref="SemaphoreAcquireAwaitable.ParkCo"/>).</summary>
    internal void ParkCo(object continuation) => _acquire.ParkCo(continuation);

    /// <summary>Returns the releaser of the lock now held; throws <see cref="CancelledException"/> if cancelled first.</summary>
    public CoMutex.Releaser GetResult()
    {
        // A lock handed over while this coroutine waited belongs to the holding that began at the hand-off, whatever
        // unlocks happened before it resumed (reliability bug 21); one taken at once, to the current holding.
        WaitOutcome outcome = _acquire.GetOutcome(out Coroutine co);
        return _mutex.CreateReleaser(outcome == WaitOutcome.Signaled ? co.HandOffTag : _mutex.Generation);
    }
}
