using System;
using System.Threading;

namespace CoSched;

/// <summary>
/// What the scheduler and the coroutine-facing time calls need from an attached event loop: a clock, a timer heap, and
/// the implementations of <c>Co.Sleep</c>, <c>Co.WithTimeout</c> and <c>Co.RunBlocking</c>. The scheduler itself knows
/// no clock. Implemented by the loops of CoSched.EventLoop (native, virtual, host clock; derive from <c>EventLoopBase</c>
/// for another driver); with none attached, the time-based calls throw <see cref="EventLoopRequiredException"/>.
/// Every member is called on the scheduler's thread only.
/// </summary>
public interface IEventLoop
{
    /// <summary>True while any timer is pending: blocked coroutines are then idle, not deadlocked.</summary>
    bool HasPendingTimers { get; }

    /// <summary>The earliest pending deadline on the loop's clock, or null: when a host should drain again.</summary>
    TimeSpan? NextDeadline { get; }

    /// <summary>The loop's current time (its own clock: monotonic, virtual or host time).</summary>
    TimeSpan Now { get; }

    /// <summary>
    /// Fires, in (deadline, creation) order, every timer due on the loop's clock. Called by the scheduler at the start
    /// of each round while <see cref="Scheduler.TimersPending"/> is set, so that a coroutine pausing in a loop cannot keep
    /// a due timer out (the starvation guard). Timers armed while firing wait for the next call.
    /// </summary>
    internal void FireDueTimers();

    /// <summary>Parks <paramref name="sleeper"/> on a pooled timer due in <paramref name="delay"/> (the await of Co.Sleep).</summary>
    internal void ParkSleeper(Coroutine sleeper, object continuation, TimeSpan delay);

    /// <summary>
    /// Runs the body as a child coroutine of <paramref name="caller"/> joined by it, cancelled by a timer after
    /// <paramref name="timeout"/> (see <c>Co.WithTimeout</c>). With <paramref name="orDefault"/>, a timeout returns default.
    /// </summary>
    internal CoTask<T> WithTimeout<T>(Coroutine caller, TimeSpan timeout, Func<CoTask<T>>? body, Func<CoTask>? voidBody,
                                      bool orDefault, string? file, int line, string? member);

    /// <summary>
    /// Runs <paramref name="work"/> (a <c>Func&lt;CancellationToken, T&gt;</c>, <c>Func&lt;T&gt;</c>,
    /// <c>Action&lt;CancellationToken&gt;</c> or <c>Action</c>) on the thread pool while <paramref name="caller"/> waits
    /// (see <c>Co.RunBlocking</c>).
    /// </summary>
    internal CoTask<T> RunBlocking<T>(Coroutine caller, Delegate work, CancellationToken cancellationToken);
}
