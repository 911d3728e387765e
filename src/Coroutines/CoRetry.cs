using System;

namespace CoSched;

public static partial class Co
{
    /// <summary>
    /// Runs <paramref name="body"/> until it succeeds, at most <paramref name="maxAttempts"/> times, waiting between
    /// attempts as <paramref name="policy"/> says. Never retries a cancellation of the calling coroutine (it propagates),
    /// nor an error for which <paramref name="isFatal"/> returns true (rethrown at once). When the attempts run out the
    /// last error is rethrown.
    /// </summary>
    /// <param name="body">One attempt; called again after each retryable failure.</param>
    /// <param name="policy">The wait between attempts (<see cref="RetryPolicy.Immediate"/> waits not at all).</param>
    /// <param name="maxAttempts">The most attempts, including the first; <see cref="int.MaxValue"/> means no limit.</param>
    /// <param name="isFatal">Errors not worth retrying (null: retry every error).</param>
    /// <exception cref="EventLoopRequiredException">The policy waits and the scheduler has no event loop (thrown at the
    /// call, before the first attempt).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAttempts"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    public static CoTask<T> Retry<T>(Func<CoTask<T>> body, RetryPolicy policy, int maxAttempts = int.MaxValue,
                                     Func<Exception, bool>? isFatal = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        Coroutine co = CurrentCoroutine("Co.Retry");
        if (policy.HasDelay && co.Scheduler.EventLoop is null) throw new EventLoopRequiredException($"Co.Retry with {policy}");
        return RetryCore(co, body, policy, maxAttempts, isFatal);
    }

    /// <summary>
    /// Runs <paramref name="body"/> until it succeeds; see <see cref="Retry{T}(Func{CoTask{T}}, RetryPolicy, int, Func{Exception, bool}?)"/>.
    /// </summary>
    /// <param name="body">One attempt; called again after each retryable failure.</param>
    /// <param name="policy">The wait between attempts (<see cref="RetryPolicy.Immediate"/> waits not at all).</param>
    /// <param name="maxAttempts">The most attempts, including the first; <see cref="int.MaxValue"/> means no limit.</param>
    /// <param name="isFatal">Errors not worth retrying (null: retry every error).</param>
    /// <exception cref="EventLoopRequiredException">The policy waits and the scheduler has no event loop.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAttempts"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    public static CoTask Retry(Func<CoTask> body, RetryPolicy policy, int maxAttempts = int.MaxValue,
                               Func<Exception, bool>? isFatal = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        Coroutine co = CurrentCoroutine("Co.Retry");
        if (policy.HasDelay && co.Scheduler.EventLoop is null) throw new EventLoopRequiredException($"Co.Retry with {policy}");
        return RetryCore(co, body, policy, maxAttempts, isFatal);
    }

    private static async CoTask<T> RetryCore<T>(Coroutine co, Func<CoTask<T>> body, RetryPolicy policy, int maxAttempts,
                                                Func<Exception, bool>? isFatal)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await body();
            }
            catch (Exception e) when (attempt < maxAttempts && IsRetryable(co, e, isFatal))
            {
            }
            TimeSpan delay = policy.DelayBeforeRetry(attempt);
            if (delay > TimeSpan.Zero) await Sleep(delay);
            else co.ThrowIfCancelled(); // an immediate retry does not suspend: deliver a pending cancel here instead
        }
    }

    private static async CoTask RetryCore(Coroutine co, Func<CoTask> body, RetryPolicy policy, int maxAttempts,
                                          Func<Exception, bool>? isFatal)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await body();
                return;
            }
            catch (Exception e) when (attempt < maxAttempts && IsRetryable(co, e, isFatal))
            {
            }
            TimeSpan delay = policy.DelayBeforeRetry(attempt);
            if (delay > TimeSpan.Zero) await Sleep(delay);
            else co.ThrowIfCancelled(); // an immediate retry does not suspend: deliver a pending cancel here instead
        }
    }

    /// <summary>A cancellation of the retrying coroutine itself is never retried: it must stop, not try again.</summary>
    private static bool IsRetryable(Coroutine co, Exception e, Func<Exception, bool>? isFatal) =>
        !(e is OperationCanceledException && co.Cancelled) && (isFatal is null || !isFatal(e));
}
