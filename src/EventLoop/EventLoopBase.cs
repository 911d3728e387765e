using System;
using System.Threading;

namespace CoSched;

/// <summary>
/// The part every event loop shares: a clock, a timer heap keyed by (deadline, arming order), pooled sleep and timeout
/// timers, and the implementations behind <c>Co.Sleep</c>, <see cref="CoTimer"/>, <c>Co.WithTimeout</c> and
/// <c>Co.RunBlocking</c>. A derived loop only decides how time moves and what the thread does while nothing is ready:
/// <see cref="NativeEventLoop"/> blocks on a kernel wait, <see cref="VirtualEventLoop"/> jumps its clock,
/// <see cref="HostClockEventLoop"/> lets a host advance time per frame. All members are for the scheduler's thread.
/// </summary>
public abstract class EventLoopBase : IEventLoop
{
    private readonly LoopClock _clock;
    private readonly TimerHeap _timers = new();
    private readonly DueList _due = new();
    private long _nextSequence;
    /// <summary>The latest clock reading taken (ticks): the deadline of zero-delay timers.</summary>
    private long _lastNow;
    private LoopAlarm? _alarm;
    /// <summary>The deadline the alarm thread is armed for (ticks), or long.MaxValue when none.</summary>
    private long _alarmFor = long.MaxValue;
    private SleepTimer? _freeSleepTimers;
    private TimeoutTimer? _freeTimeoutTimers;

    /// <summary>Attaches the new loop to <paramref name="scheduler"/> (call on the scheduler's thread, before coroutines use time).</summary>
    /// <exception cref="InvalidOperationException">The scheduler already has another event loop.</exception>
    /// <exception cref="WrongThreadException">Not called on the scheduler's thread.</exception>
    protected EventLoopBase(Scheduler scheduler, LoopClock clock)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        _lastNow = clock.Now.Ticks;
        Scheduler = scheduler;
        scheduler.AttachEventLoop(this);
    }

    /// <summary>The scheduler this loop drives.</summary>
    public Scheduler Scheduler { get; }

    /// <summary>The loop's current time on its clock.</summary>
    public TimeSpan Now => _clock.Now;

    /// <summary>True while any timer (a sleep, a <see cref="CoTimer"/>, a timeout) is pending.</summary>
    /// <exception cref="WrongThreadException">Not called on the scheduler's thread.</exception>
    public bool HasPendingTimers
    {
        get
        {
            // Also read by the scheduler once per idle drain, on its thread: the check is one reference comparison.
            Scheduler.CheckThread();
            return _timers.Count + _due.Count != 0;
        }
    }

    /// <summary>Number of pending timers. A cancelled sleep or timer is removed at once, so this never counts dead ones.</summary>
    public int PendingTimerCount
    {
        get
        {
            Scheduler.CheckThread();
            return _timers.Count + _due.Count;
        }
    }

    /// <summary>The earliest pending deadline on the loop's clock, or null when no timer is pending.</summary>
    /// <remarks>A host that needs it on another thread takes it from the <see cref="DrainResult"/> of a drain (as the guest
    /// run does for its alarm thread).</remarks>
    /// <exception cref="WrongThreadException">Not called on the scheduler's thread.</exception>
    public TimeSpan? NextDeadline
    {
        get
        {
            Scheduler.CheckThread(); // one reference comparison per drain for the scheduler's own read
            return _due.Head is { } d ? new TimeSpan(_timers.Count != 0 && TimerEntry.Before(_timers.Min, d) ? _timers.Min.Deadline : d.Deadline)
                : _timers.Count != 0 ? new TimeSpan(_timers.Min.Deadline)
                : null;
        }
    }

    // ----- the timers -----

    /// <summary>
    /// Arms <paramref name="entry"/> to fire <paramref name="delay"/> from now (saturating, never overflowing). A zero
    /// delay is due at the next timer check: it goes to the due list, dated by the last clock reading, without reading
    /// the clock again (the clock can cost more than the sleep).
    /// </summary>
    internal void Schedule(TimerEntry entry, TimeSpan delay)
    {
        entry.Sequence = _nextSequence++;
        if (delay == TimeSpan.Zero)
        {
            entry.Deadline = _lastNow;
            _due.Add(entry);
        }
        else
        {
            long now = _clock.Now.Ticks;
            if (now > _lastNow) _lastNow = now;
            entry.Deadline = LoopTime.Add(new TimeSpan(now), delay).Ticks;
            _timers.Add(entry);
        }
        Scheduler.TimersPending = true;
        // Armed from the host, outside any drain (a UI handler re-arming a CoTimer, say): the host may be waiting for
        // an older, later deadline (a guest run's alarm, a loop's timed wait), so it is told, as for posted work, and
        // its next drain reports the new one (audit finding G). A drain reports it anyway when it ends.
        if (!Scheduler.IsDraining) Scheduler.SignalWorkAvailable();
    }

    /// <summary>Disarms a scheduled entry.</summary>
    internal void Unschedule(TimerEntry entry)
    {
        if (entry.HeapIndex == TimerEntry.InDueList) _due.Remove(entry); else _timers.Remove(entry);
        if (_timers.Count + _due.Count == 0) Scheduler.TimersPending = false;
    }

    void IEventLoop.FireDueTimers()
    {
        // Only timers armed before this call: one re-armed by a firing callback waits for the next round (no livelock).
        long armedBefore = _nextSequence;
        long now = long.MinValue;
        if (_timers.Count != 0)
        {
            long earliest = _timers.Min.Deadline;
            if (_alarm is null || earliest < _alarmFor || _alarm.TryConsumeRing())
            {
                _alarmFor = long.MaxValue;
                now = ReadClockForDueCheck(earliest);
                if (now > _lastNow) _lastNow = now;
            }
            else if (_due.Count == 0)
            {
                return; // the fast path of a busy loop: the alarm rings at or before the earliest deadline
            }
        }
        bool callbackContext = false;
        while (true)
        {
            // Merge the due list (all due) with the heap's due part, in (deadline, sequence) order.
            TimerEntry? next = _due.Head is { } d && d.Sequence < armedBefore ? d : null;
            if (_timers.Count != 0)
            {
                TimerEntry h = _timers.Min;
                if (h.Deadline <= now && h.Sequence < armedBefore && (next is null || TimerEntry.Before(h, next))) next = h;
            }
            if (next is null) break;
            if (next.HeapIndex == TimerEntry.InDueList) _due.Remove(next); else _timers.PopMin();
            if (!callbackContext)
            {
                Scheduler.EnterCallbackContext();
                callbackContext = true;
            }
            next.Fire();
        }
        Scheduler.TimersPending = _timers.Count + _due.Count != 0;
    }

    /// <summary>
    /// The clock reading (ticks) to fire heap timers against, called at the start of a round while a heap timer is
    /// pending and no alarm covers it. A loop whose clock is costly to read may hand a far deadline to the alarm thread
    /// (<see cref="ArmAlarm"/>): until it rings, rounds skip the clock read.
    /// </summary>
    private protected virtual long ReadClockForDueCheck(long earliestDeadline) => _clock.Now.Ticks;

    /// <summary>
    /// Hands <paramref name="deadline"/> (the earliest heap deadline) to the alarm thread, started on first use: until
    /// it rings, <c>FireDueTimers</c> reads a flag instead of the clock. Requires a thread-safe clock.
    /// </summary>
    private protected void ArmAlarm(long deadline)
    {
        (_alarm ??= new LoopAlarm(_clock)).Arm(deadline);
        _alarmFor = deadline;
    }

    /// <summary>Stops the alarm thread, if any; rounds read the clock again.</summary>
    private protected void StopAlarm()
    {
        _alarm?.Stop();
        _alarm = null;
        _alarmFor = long.MaxValue;
    }

    // ----- Co.Sleep -----

    void IEventLoop.ParkSleeper(Coroutine sleeper, object continuation, TimeSpan delay)
    {
        SleepTimer timer = _freeSleepTimers ?? new SleepTimer(this);
        sleeper.Park(continuation, timer); // first: it refuses a carried awaitable before the pool changes
        if (ReferenceEquals(timer, _freeSleepTimers)) _freeSleepTimers = timer.NextFree;
        timer.NextFree = null;
        timer.Sleeper = sleeper;
        Schedule(timer, delay);
    }

    internal void ReturnSleepTimer(SleepTimer timer)
    {
        timer.NextFree = _freeSleepTimers;
        _freeSleepTimers = timer;
    }

    // ----- Co.WithTimeout -----

    CoTask<T> IEventLoop.WithTimeout<T>(Coroutine caller, TimeSpan timeout, Func<CoTask<T>>? body, Func<CoTask>? voidBody,
                                        bool orDefault, string? file, int line, string? member) =>
        TimeoutScope.Run(this, caller, timeout, body, voidBody, orDefault, file, line, member);

    /// <summary>Rents the pooled state of a WithTimeout call made by <paramref name="caller"/> (not armed yet).</summary>
    internal TimeoutTimer RentTimeout(Coroutine caller)
    {
        TimeoutTimer timer = _freeTimeoutTimers ?? new TimeoutTimer();
        _freeTimeoutTimers = timer.NextFree;
        timer.NextFree = null;
        timer.Caller = caller;
        timer.Fired = false;
        return timer;
    }

    /// <summary>Disarms (if still pending) and recycles a timeout's state; its body has ended.</summary>
    internal void ReturnTimeout(TimeoutTimer timer)
    {
        if (timer.IsScheduled) Unschedule(timer);
        timer.Caller = null;
        timer.Body = null;
        timer.NextFree = _freeTimeoutTimers;
        _freeTimeoutTimers = timer;
    }

    // ----- Co.RunBlocking -----

    CoTask<T> IEventLoop.RunBlocking<T>(Coroutine caller, Delegate work, CancellationToken cancellationToken) =>
        BlockingJob<T>.Run(caller, work, cancellationToken);
}
