using System;
using System.Threading;

namespace CoSched;

/// <summary>
/// The implementation of <c>Co.WithTimeout</c>: the body runs as a child coroutine the caller joins, and a pooled timer
/// cancels the child when the timeout expires. The call never returns while the body still runs: on a timeout it waits
/// for the body to end, and when the caller itself is cancelled it cancels the body and waits for it shielded.
/// </summary>
internal static class TimeoutScope
{
    internal static async CoTask<T> Run<T>(EventLoopBase loop, Coroutine caller, TimeSpan timeout, Func<CoTask<T>>? body,
                                           Func<CoTask>? voidBody, bool orDefault, string? file, int line, string? member)
    {
        TimeoutTimer timer = loop.RentTimeout(caller);
        Coroutine<T> child = caller.Scheduler.SpawnCore(body, voidBody, "Co.WithTimeout body", file, line, member,
                                                         owner: timer, background: false);
        timer.Body = child;
        if (timeout != Timeout.InfiniteTimeSpan) loop.Schedule(timer, timeout);
        int childVersion = child.Version;
        try
        {
            try
            {
                return await new JoinAwaitable<T>(child, caller);
            }
            catch (CancelledException) when (child.Version == childVersion && !child.JoinConsumed)
            {
                // The caller is being cancelled (an enclosing timeout, a group...) and the body's outcome is unread: the
                // body must not outlive the call, and if it has already failed with a real error (even in the same
                // round), that error replaces the cancel when the shielded join reads it, as in task groups.
                child.Cancel();
                await JoinShielded(child, caller);
                throw;
            }
        }
        catch (OperationCanceledException) when (timer.Fired && !(caller.Cancelled && !caller.IsShielded))
        {
            // The body ended by the cancel our timer sent, and the caller is not being cancelled itself.
            if (orDefault) return default!;
            throw new TimeoutException($"Co.WithTimeout: the body did not finish within {timeout} (called at " +
                                       $"{System.IO.Path.GetFileName(file)}:{line}); it was cancelled and has ended.");
        }
        finally
        {
            loop.ReturnTimeout(timer);
        }
    }

    /// <summary>Waits, shielded from the caller's own cancel, until the cancelled body has ended.</summary>
    private static async CoTask JoinShielded<T>(Coroutine<T> child, Coroutine caller)
    {
        caller.EnterShield();
        try
        {
            await new JoinAwaitable<T>(child, caller);
        }
        catch (OperationCanceledException)
        {
            // The body's own cancellation: expected. Any other failure of the body replaces the caller's cancel.
        }
        finally
        {
            caller.ExitShield();
        }
    }
}
