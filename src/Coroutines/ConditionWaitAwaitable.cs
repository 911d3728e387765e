using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>A pending <see cref="CoCondition.Wait"/> (its own awaiter). Await it once.</summary>
public readonly struct ConditionWaitAwaitable : ICriticalNotifyCompletion, ICoAwaiter<ConditionWaitAwaitable>
{
    // Only the condition: the awaiting coroutine is the scheduler's current one (checked again at each use, so an
    // awaitable carried to another thread or coroutine is refused or parks the right one). A parked coroutine's state
    // machine keeps this struct, so one reference fewer is 8 B less per waiter.
    private readonly CoCondition _condition;

    internal ConditionWaitAwaitable(CoCondition condition) => _condition = condition;

    private Coroutine Current => _condition.Scheduler.CurrentForAwait("CoCondition.Wait()");

    /// <summary>Gets the awaiter (itself).</summary>
    public ConditionWaitAwaitable GetAwaiter() => this;

    /// <summary>Always false (a wait always suspends); throws at once if the coroutine is being cancelled.</summary>
    public bool IsCompleted
    {
        get
        {
            Coroutine co = Current;
            co.CheckCanParkVerified(); // refusals here, not in the park, so the awaiting method's finally blocks run
            co.ThrowIfCancelled();
            return false;
        }
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => _condition.Park(Current, continuation); // checked lookup

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>
    /// The CoTask builder's park, with a continuation that is a state-machine box (see <see cref="Resumable"/>). The
    /// coroutine is read without the thread check: the compiler calls <see cref="IsCompleted"/>, which made it, just
    /// before, with nothing in between (see <see cref="Coroutine.CheckCanPark"/>).
    /// </summary>
    internal void ParkCo(object continuation) => _condition.Park(_condition.Scheduler.CurrentCoroutine!, continuation);

    /// <summary>Returns once woken; throws <see cref="CancelledException"/> if cancelled before being woken.</summary>
    public void GetResult()
    {
        if (Current.EndWaitVerified() == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
    }
}
