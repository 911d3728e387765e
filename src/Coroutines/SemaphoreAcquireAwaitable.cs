using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// A pending <see cref="CoSemaphore.Acquire"/> (its own awaiter). Await it once: each await takes one permit.
/// </summary>
public readonly struct SemaphoreAcquireAwaitable : ICriticalNotifyCompletion, ICoAwaiter<SemaphoreAcquireAwaitable>
{
    // Only the semaphore: the awaiting coroutine is the scheduler's current one (see ConditionWaitAwaitable).
    private readonly CoSemaphore _semaphore;

    internal SemaphoreAcquireAwaitable(CoSemaphore semaphore) => _semaphore = semaphore;

    private Coroutine Current => _semaphore.Scheduler.CurrentForAwait(_semaphore.WaitName);

    /// <summary>Gets the awaiter (itself).</summary>
    public SemaphoreAcquireAwaitable GetAwaiter() => this;

    /// <summary>
    /// True (holding the permit) when one was free; otherwise throws if the coroutine is being cancelled. Checks first that
    /// it runs in a coroutine on the scheduler's thread.
    /// </summary>
    public bool IsCompleted
    {
        get
        {
            Coroutine co = Current; // the thread check, before the semaphore changes
            // Refusals here, not in the park, so the awaiting method's finally blocks run; and before a free permit is
            // taken: a coroutine already waiting (a CoTask call left suspended) must not complete another wait meanwhile.
            co.CheckCanParkVerified();
            if (_semaphore.TryTake()) return true;
            co.ThrowIfCancelled();
            return false;
        }
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => _semaphore.Park(Current, continuation); // checked lookup

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>
    /// The CoTask builder's park, with a continuation that is a state-machine box (see <see cref="Resumable"/>). The
    /// coroutine is read without the thread check: the compiler calls <see cref="IsCompleted"/>, which made it, just
    /// before, with nothing in between (see <see cref="Coroutine.CheckCanPark"/>).
    /// </summary>
    internal void ParkCo(object continuation) => _semaphore.Park(_semaphore.Scheduler.CurrentCoroutine!, continuation);

    /// <summary>
    /// <see cref="GetResult"/> for <see cref="MutexLockAwaitable"/>: also says whether the permit was handed over while
    /// the coroutine waited (<see cref="WaitOutcome.Signaled"/>) or taken at once, and which coroutine holds it.
    /// </summary>
    internal WaitOutcome GetOutcome(out Coroutine co)
    {
        co = Current;
        WaitOutcome outcome = co.EndWaitVerified();
        if (outcome == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
        return outcome;
    }

    /// <summary>Returns holding a permit; throws <see cref="CancelledException"/> if cancelled before the hand-off.</summary>
    public void GetResult() => GetOutcome(out _);
}
