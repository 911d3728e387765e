using System;

namespace CoSched;

/// <summary>
/// What the scheduler needs from an attached event loop (timers and external waits). Implemented in CoSched.EventLoop;
/// the scheduler itself knows no clock. With none attached, time-based calls throw <see cref="EventLoopRequiredException"/>.
/// </summary>
public interface IEventLoop
{
    /// <summary>True while any timer is pending: blocked coroutines are then idle, not deadlocked.</summary>
    bool HasPendingTimers { get; }

    /// <summary>The earliest pending deadline on the loop's clock, or null.</summary>
    TimeSpan? NextDeadline { get; }
}
