using System;
using System.Threading;

namespace CoSched;

public static partial class Co
{
    /// <summary>
    /// Runs blocking or CPU-heavy <paramref name="work"/> on the thread pool while the other coroutines keep running, and
    /// resumes the caller on the scheduler's thread with its result (or its exception). The work counts as an external
    /// wait, so blocked coroutines are idle rather than deadlocked meanwhile. The token given to the work is cancelled
    /// when the caller is cancelled or <paramref name="cancellationToken"/> is; a cancelled caller still waits (shielded)
    /// until the work has actually returned, so nothing it uses is released under it, and then throws
    /// <see cref="CancelledException"/> (the work's result is dropped).
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    /// <exception cref="EventLoopRequiredException">The scheduler has no event loop.</exception>
    /// <exception cref="CancelledException">The caller is being cancelled.</exception>
    public static CoTask<T> RunBlocking<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        (Coroutine caller, IEventLoop loop) = PrepareBlocking();
        return loop.RunBlocking<T>(caller, work, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/>, which cannot observe cancellation, on the thread pool; see
    /// <see cref="RunBlocking{T}(Func{CancellationToken, T}, CancellationToken)"/>. A cancelled caller waits for it to return.
    /// </summary>
    public static CoTask<T> RunBlocking<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        (Coroutine caller, IEventLoop loop) = PrepareBlocking();
        return loop.RunBlocking<T>(caller, work, default);
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool; see <see cref="RunBlocking{T}(Func{CancellationToken, T}, CancellationToken)"/>.</summary>
    public static CoTask RunBlocking(Action<CancellationToken> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        (Coroutine caller, IEventLoop loop) = PrepareBlocking();
        return ToVoid(loop.RunBlocking<VoidResult>(caller, work, cancellationToken));
    }

    /// <summary>Runs <paramref name="work"/>, which cannot observe cancellation, on the thread pool; see <see cref="RunBlocking{T}(Func{T})"/>.</summary>
    public static CoTask RunBlocking(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        (Coroutine caller, IEventLoop loop) = PrepareBlocking();
        return ToVoid(loop.RunBlocking<VoidResult>(caller, work, default));
    }

    private static (Coroutine, IEventLoop) PrepareBlocking()
    {
        Coroutine caller = CurrentCoroutine("Co.RunBlocking");
        IEventLoop loop = caller.Scheduler.EventLoop ?? throw new EventLoopRequiredException("Co.RunBlocking");
        caller.ThrowIfCancelled();
        return (caller, loop);
    }
}
