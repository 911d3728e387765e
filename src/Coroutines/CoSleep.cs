using System;

namespace CoSched;

public static partial class Co
{
    /// <summary>
    /// Suspends the calling coroutine for <paramref name="delay"/> on its scheduler's event-loop clock. Cancellable.
    /// </summary>
    /// <exception cref="EventLoopRequiredException">The scheduler has no event loop.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public static CoTask Sleep(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Coroutine co = CurrentCoroutine("Co.Sleep");
        IEventLoop loop = co.Scheduler.EventLoop ?? throw new EventLoopRequiredException("Co.Sleep");
        return loop.Sleep(delay);
    }
}
