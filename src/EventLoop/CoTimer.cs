using System;

namespace CoSched;

/// <summary>
/// A one-shot timer on the scheduler's event-loop clock that any number of coroutines can wait for. It is armed when
/// created; when it fires, every waiter resumes (FIFO) and later waits complete at once until it is re-armed.
/// <see cref="Cancel"/> disarms it and releases the waiters with <c>false</c>; <see cref="Refresh"/> and
/// <see cref="Reset"/> re-arm it from now (a watchdog or a debounce), whatever its state; waiters already waiting keep
/// waiting for the new deadline. Scheduler-thread only; waiting allocates nothing.
/// </summary>
public sealed class CoTimer : IWaitSite
{
    private readonly EventLoopBase _loop;
    private readonly Entry _entry;
    private WaitList _waiters;
    private TimeSpan _duration;
    private bool _fired;

    /// <summary>Creates and arms a timer due in <paramref name="dueIn"/>, on the calling coroutine's scheduler.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dueIn"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called outside any coroutine (use the overload taking a scheduler).</exception>
    /// <exception cref="EventLoopRequiredException">The scheduler has no event loop.</exception>
    public CoTimer(TimeSpan dueIn)
        : this(Co.CurrentCoroutine("new CoTimer(...)").Scheduler, dueIn)
    {
    }

    /// <summary>Creates and arms a timer due in <paramref name="dueIn"/> on <paramref name="scheduler"/>'s event loop.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dueIn"/> is negative.</exception>
    /// <exception cref="WrongThreadException">Not called on the scheduler's thread.</exception>
    /// <exception cref="EventLoopRequiredException">The scheduler has no event loop.</exception>
    public CoTimer(Scheduler scheduler, TimeSpan dueIn)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.CheckThread("new CoTimer(...)");
        CheckDuration(dueIn);
        _loop = scheduler.EventLoop as EventLoopBase ?? throw new EventLoopRequiredException("new CoTimer(...)");
        _entry = new Entry(this);
        _duration = dueIn;
        _loop.Schedule(_entry, dueIn);
    }

    /// <summary>The duration the timer was last armed with (used again by <see cref="Refresh"/>).</summary>
    public TimeSpan Duration
    {
        get
        {
            _loop.Scheduler.CheckThread();
            return _duration;
        }
    }

    /// <summary>When it fires (or fired, or would have fired) on the loop clock, as last armed.</summary>
    public TimeSpan Deadline
    {
        get
        {
            _loop.Scheduler.CheckThread();
            return new TimeSpan(_entry.Deadline);
        }
    }

    /// <summary>True while armed: it has neither fired nor been cancelled since it was last armed.</summary>
    public bool IsArmed
    {
        get
        {
            _loop.Scheduler.CheckThread();
            return _entry.IsScheduled;
        }
    }

    /// <summary>True once it has fired (until re-armed).</summary>
    public bool HasFired
    {
        get
        {
            _loop.Scheduler.CheckThread();
            return _fired;
        }
    }

    /// <summary>Number of coroutines waiting for it.</summary>
    public int WaiterCount
    {
        get
        {
            _loop.Scheduler.CheckThread();
            return _waiters.Count;
        }
    }

    /// <summary>
    /// Waits until the timer fires (returns true) or is cancelled (returns false). Completes at once when it has already
    /// fired or been cancelled and not been re-armed since.
    /// </summary>
    /// <exception cref="CancelledException">The waiting coroutine is being cancelled.</exception>
    public CoTimerAwaitable Wait() => new(this, _loop.Scheduler.CurrentForAwait("CoTimer.Wait()"));

    /// <summary>Disarms the timer and releases every waiter with false. Returns false (and does nothing) if it was not armed.</summary>
    public bool Cancel()
    {
        _loop.Scheduler.CheckThread();
        if (!_entry.IsScheduled) return false;
        _loop.Unschedule(_entry);
        ReleaseWaiters(fired: false);
        return true;
    }

    /// <summary>Re-arms the timer with its <see cref="Duration"/> from now (armed, fired or cancelled alike).</summary>
    public void Refresh() => Reset(_duration);

    /// <summary>Re-arms the timer to fire <paramref name="dueIn"/> from now, which becomes its <see cref="Duration"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dueIn"/> is negative.</exception>
    public void Reset(TimeSpan dueIn)
    {
        _loop.Scheduler.CheckThread();
        CheckDuration(dueIn);
        if (_entry.IsScheduled) _loop.Unschedule(_entry);
        _duration = dueIn;
        _fired = false;
        _loop.Schedule(_entry, dueIn); // a new arming order too: FIFO among equal deadlines follows re-arming
    }

    internal bool IsSettled => !_entry.IsScheduled;


    internal void AddWaiter(Coroutine co, object continuation)
    {
        co.Park(continuation, this);
        _waiters.Add(co);
    }

    private void OnFire()
    {
        _fired = true;
        ReleaseWaiters(fired: true);
    }

    /// <summary>
    /// Wakes every waiter, each told why on its record: the timer may be re-armed and fire, or be cancelled, again before
    /// a waiter runs, and the waiter must still see what released it (reliability bug 15).
    /// </summary>
    private void ReleaseWaiters(bool fired)
    {
        Scheduler scheduler = _loop.Scheduler;
        while (_waiters.RemoveFirst() is { } co)
        {
            co.HandOffTag = fired ? 1 : 0;
            scheduler.Wake(co);
        }
    }

    private static void CheckDuration(TimeSpan dueIn)
    {
        if (dueIn < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(dueIn), dueIn, "A CoTimer needs a due time >= TimeSpan.Zero.");
    }

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        if (!waiter.InWaitList) return false;
        _waiters.Remove(waiter);
        return true;
    }

    string IWaitSite.Describe() =>
        _entry.IsScheduled ? $"CoTimer due at {new TimeSpan(_entry.Deadline)} ({_waiters.Count} waiting)" : "CoTimer (not armed)";

    /// <summary>The timer's heap entry (a public type cannot derive from the internal entry class).</summary>
    private sealed class Entry(CoTimer timer) : TimerEntry
    {
        internal override void Fire() => timer.OnFire();
    }
}
