using System;

namespace CoSched;

/// <summary>
/// A condition variable for the coroutines of one scheduler, without a mutex (they never run at the same time).
/// <para>
/// Contract: <see cref="Wait"/> always suspends until a later <see cref="Signal"/> or <see cref="Broadcast"/>.
/// <see cref="Signal"/> wakes the first waiter (FIFO) and is lost if none waits; <see cref="Broadcast"/> wakes all that
/// wait now. A waiter cancelled while waiting leaves at once (waiters never pile up, however many waits are cancelled);
/// one cancelled after it was woken returns normally and the cancel hits its next suspension. As with any condition
/// variable, re-check the awaited state after waking, in a loop.
/// All members must be called on the scheduler's thread (<see cref="WrongThreadException"/> otherwise).
/// </para>
/// </summary>
public sealed class CoCondition : IWaitSite
{
    private readonly Scheduler _scheduler;
    private WaitList _waiters;

    /// <summary>Creates a condition for <paramref name="scheduler"/>'s coroutines.</summary>
    public CoCondition(Scheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        _scheduler = SchedulerBinding.Resolve(scheduler, "CoCondition");
    }

    /// <summary>Creates a condition bound to the calling coroutine's scheduler.</summary>
    /// <exception cref="InvalidOperationException">Called outside any coroutine: pass the scheduler instead.</exception>
    public CoCondition() => _scheduler = SchedulerBinding.Resolve(null, "CoCondition");

    internal int WaiterCount => _waiters.Count;

    /// <summary>Suspends until a later <see cref="Signal"/> (if first in line) or <see cref="Broadcast"/>.</summary>
    /// <exception cref="CancelledException">The coroutine was cancelled before it was woken.</exception>
    /// <exception cref="InvalidOperationException">Awaited outside any coroutine.</exception>
    /// <exception cref="WrongThreadException">Awaited on a thread other than the scheduler's.</exception>
    /// <remarks>The checks happen at the await (the awaiter's <c>IsCompleted</c>, which looks up the waiting coroutine anyway):
    /// creating the awaitable touches nothing, and an awaitable carried to another thread is refused there.</remarks>
    public ConditionWaitAwaitable Wait() => new(this);

    internal Scheduler Scheduler => _scheduler;

    /// <summary>Wakes the first waiter; returns false (and the signal is lost) when none waits.</summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public bool Signal()
    {
        _scheduler.CheckThread("CoCondition.Signal");
        if (_waiters.RemoveFirst() is not { } waiter) return false;
        _scheduler.Wake(waiter);
        return true;
    }

    /// <summary>Wakes every coroutine waiting now, in FIFO order; returns how many.</summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public int Broadcast()
    {
        _scheduler.CheckThread("CoCondition.Broadcast");
        int n = 0;
        while (_waiters.RemoveFirst() is { } waiter)
        {
            _scheduler.Wake(waiter);
            n++;
        }
        return n;
    }

    internal void Park(Coroutine co, object continuation)
    {
        co.ParkVerified(continuation, this); // co was just looked up as the current coroutine
        _waiters.Add(co);
    }

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        // Not in the list: it was already woken, and returns normally.
        if (!waiter.InWaitList) return false;
        _waiters.Remove(waiter);
        return true;
    }

    string IWaitSite.Describe() => $"CoCondition.Wait ({_waiters.Count} waiting)";
}
