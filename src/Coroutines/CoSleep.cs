using System;

namespace CoSched;

public static partial class Co
{
    /// <summary>
    /// Suspends the calling coroutine for <paramref name="delay"/> on its scheduler's event-loop clock. The timer is
    /// pooled, so a sleep allocates nothing in steady state. <see cref="TimeSpan.Zero"/> still yields: the coroutine
    /// resumes after the timers are next checked (the start of the next round). Timers with equal deadlines fire in the
    /// order they were armed. Cancellable: a cancel removes the timer and the await throws <see cref="CancelledException"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    /// <exception cref="EventLoopRequiredException">The scheduler has no event loop.</exception>
    /// <exception cref="CancelledException">The coroutine is being cancelled (at the await).</exception>
    public static SleepAwaitable Sleep(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(delay), delay,
                "Co.Sleep needs a delay >= TimeSpan.Zero; pass TimeSpan.Zero to yield until the timers are next checked.");
        Coroutine co = CurrentCoroutine("Co.Sleep");
        IEventLoop loop = co.Scheduler.EventLoop ?? throw new EventLoopRequiredException("Co.Sleep");
        return new SleepAwaitable(co, loop, delay);
    }
}
