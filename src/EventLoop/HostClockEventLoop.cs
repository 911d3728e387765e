namespace CoSched;

/// <summary>
/// An event loop on a <see cref="HostClock"/>: the host (a game loop) advances time once per frame with
/// <see cref="HostClock.Advance"/>, possibly scaled or paused, then drains with
/// <see cref="Scheduler.RunUntilIdle(DrainBudget)"/>, which fires the timers that became due. It never blocks or
/// sleeps: between frames the host owns the thread. <see cref="DrainResult.NextDeadline"/> tells it the game time at
/// which the next timer fires.
/// </summary>
public sealed class HostClockEventLoop : EventLoopBase
{
    /// <summary>Attaches a host-clock loop with a new clock at zero to <paramref name="scheduler"/>.</summary>
    public HostClockEventLoop(Scheduler scheduler) : this(scheduler, new HostClock())
    {
    }

    /// <summary>Attaches a loop reading <paramref name="clock"/> to <paramref name="scheduler"/>.</summary>
    public HostClockEventLoop(Scheduler scheduler, HostClock clock) : base(scheduler, clock) => Clock = clock;

    /// <summary>The host's clock: advance it per frame, scale it, pause it.</summary>
    public HostClock Clock { get; }
}
