using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched;

public static partial class Co
{
    /// <summary>
    /// Runs <paramref name="body"/> as a child coroutine that the caller joins, and cancels it if it has not ended after
    /// <paramref name="timeout"/> on the event-loop clock. On a timeout the body is cancelled, the call waits for it to
    /// end (its finally blocks run), and then throws <see cref="TimeoutException"/>. A body that ignores the cancel (it is
    /// shielded) and finishes anyway returns its result; any other exception of the body is rethrown as is. If the caller
    /// is itself cancelled (for instance by an enclosing timeout), the body is cancelled, the caller waits for it shielded,
    /// and the call throws <see cref="CancelledException"/>: an inner timeout cut short by an outer one throws
    /// <see cref="CancelledException"/> and the outer one <see cref="TimeoutException"/>.
    /// <see cref="Timeout.InfiniteTimeSpan"/> means no timeout.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite).</exception>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    /// <exception cref="EventLoopRequiredException">The scheduler has no event loop.</exception>
    /// <exception cref="CancelledException">The caller is being cancelled.</exception>
    /// <exception cref="TimeoutException">The body was cancelled by the timeout.</exception>
    public static CoTask<T> WithTimeout<T>(TimeSpan timeout, Func<CoTask<T>> body,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        (Coroutine caller, IEventLoop loop) = PrepareTimeout(timeout, "Co.WithTimeout");
        return loop.WithTimeout(caller, timeout, body, null, orDefault: false, file, line, member);
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a timeout; see <see cref="WithTimeout{T}(TimeSpan, Func{CoTask{T}}, string?, string?, int)"/>.
    /// </summary>
    /// <exception cref="TimeoutException">The body was cancelled by the timeout.</exception>
    public static CoTask WithTimeout(TimeSpan timeout, Func<CoTask> body,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        (Coroutine caller, IEventLoop loop) = PrepareTimeout(timeout, "Co.WithTimeout");
        return ToVoid(loop.WithTimeout<VoidResult>(caller, timeout, null, body, orDefault: false, file, line, member));
    }

    /// <summary>
    /// Like <see cref="WithTimeout{T}(TimeSpan, Func{CoTask{T}}, string?, string?, int)"/>, but a timeout returns
    /// <c>default(T)</c> instead of throwing (after the body has ended). Cancellation of the caller still throws
    /// <see cref="CancelledException"/>.
    /// </summary>
    public static CoTask<T?> WithTimeoutOrDefault<T>(TimeSpan timeout, Func<CoTask<T>> body,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        (Coroutine caller, IEventLoop loop) = PrepareTimeout(timeout, "Co.WithTimeoutOrDefault");
        return loop.WithTimeout(caller, timeout, body, null, orDefault: true, file, line, member)!;
    }

    private static (Coroutine, IEventLoop) PrepareTimeout(TimeSpan timeout, string what)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout,
                $"{what} needs a timeout >= TimeSpan.Zero, or Timeout.InfiniteTimeSpan for none.");
        Coroutine caller = CurrentCoroutine(what);
        IEventLoop loop = caller.Scheduler.EventLoop ?? throw new EventLoopRequiredException(what);
        caller.CheckCanParkVerified(); // before the body starts: a caller that cannot wait for it must not start it
        caller.ThrowIfCancelled();
        return (caller, loop);
    }

    /// <summary>Views a CoTask of <see cref="VoidResult"/> as a CoTask: they share the same completion source.</summary>
    internal static CoTask ToVoid(CoTask<VoidResult> task) =>
        task.Source is { } source ? new CoTask(source, task.Token) : default;
}
