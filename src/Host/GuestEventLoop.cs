namespace CoSched.Host;

/// <summary>
/// The event loop of a guest run: the real monotonic clock, and no thread of its own to block. Nothing here waits:
/// <see cref="GuestRun"/> asks the host to run each drain and leaves the wait for the next deadline to
/// <see cref="GuestAlarm"/>, a helper thread, so the host's thread never blocks.
/// </summary>
internal sealed class GuestEventLoop : EventLoopBase
{
    internal GuestEventLoop(Scheduler scheduler, SystemClock clock) : base(scheduler, clock) => Clock = clock;

    /// <summary>The loop's clock; thread-safe, so the alarm thread reads it too.</summary>
    internal SystemClock Clock { get; }
}
