using System;

namespace CoSched;

/// <summary>
/// What the scheduler and the coroutine-facing time calls need from an attached event loop. Implemented in
/// CoSched.EventLoop (native, virtual, host clock); the scheduler itself knows no clock. With none attached, time-based
/// calls throw <see cref="EventLoopRequiredException"/>.
/// </summary>
public interface IEventLoop
{
    /// <summary>True while any timer is pending: blocked coroutines are then idle, not deadlocked.</summary>
    bool HasPendingTimers { get; }

    /// <summary>The earliest pending deadline on the loop's clock, or null.</summary>
    TimeSpan? NextDeadline { get; }

    /// <summary>The loop's current time (its own clock: monotonic, virtual or host time).</summary>
    TimeSpan Now { get; }

    /// <summary>Suspends the calling coroutine for <paramref name="delay"/> on the loop's clock (cancellable).</summary>
    CoTask Sleep(TimeSpan delay);
}
