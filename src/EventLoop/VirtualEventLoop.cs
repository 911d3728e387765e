using System;

namespace CoSched;

/// <summary>
/// A deterministic event loop on a <see cref="VirtualClock"/>, for tests and replays: time moves only when the loop
/// jumps it to the next timer (nothing being ready) or when told to, so a test of a one-hour timeout runs in
/// microseconds and always the same way. Drive it with <see cref="RunUntilIdle"/> or <see cref="AdvanceBy"/> on the
/// scheduler's thread; a plain <see cref="Scheduler.RunUntilIdle()"/> fires due timers but never moves time.
/// </summary>
public sealed class VirtualEventLoop : EventLoopBase
{
    /// <summary>Attaches a virtual loop with a new clock at zero to <paramref name="scheduler"/>.</summary>
    public VirtualEventLoop(Scheduler scheduler) : this(scheduler, new VirtualClock())
    {
    }

    /// <summary>Attaches a virtual loop reading <paramref name="clock"/> to <paramref name="scheduler"/>.</summary>
    public VirtualEventLoop(Scheduler scheduler, VirtualClock clock) : base(scheduler, clock) => Clock = clock;

    /// <summary>The loop's clock; <see cref="VirtualClock.Advance"/> moves it without running anything.</summary>
    public VirtualClock Clock { get; }

    /// <summary>
    /// Drains, and whenever nothing is ready but a timer is pending, jumps the clock to that timer's deadline and drains
    /// again; returns when main has completed (<see cref="DrainStatus.Completed"/>), on a deadlock, or when only external
    /// work (a foreign await, <c>Co.RunBlocking</c>, a feeder lease) could wake anything (<see cref="DrainStatus.Idle"/>
    /// with no next deadline). Never blocks the thread. A coroutine that sleeps in an endless loop makes it run forever:
    /// use <see cref="AdvanceBy"/> to bound virtual time.
    /// </summary>
    public DrainResult RunUntilIdle()
    {
        while (true)
        {
            DrainResult r = Scheduler.RunUntilIdle();
            if (r.Status != DrainStatus.Idle || r.NextDeadline is not { } next) return r;
            Clock.AdvanceTo(next);
        }
    }

    /// <summary>
    /// Moves virtual time forward by <paramref name="span"/>, firing each timer at its own deadline in order and draining
    /// after each, then drains at the final time and returns that drain's result.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="span"/> is negative.</exception>
    public DrainResult AdvanceBy(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(span), span, "Virtual time only moves forward; pass a span >= 0.");
        TimeSpan target = LoopTime.Add(Clock.Now, span);
        while (true)
        {
            DrainResult r = Scheduler.RunUntilIdle();
            if (r.NextDeadline is not { } next || next > target)
            {
                if (Clock.Now >= target) return r;
                Clock.AdvanceTo(target);
                continue;
            }
            Clock.AdvanceTo(next);
        }
    }
}
