using System;
using System.Threading;

namespace CoSched;

/// <summary>
/// The calls a coroutine makes about itself: pause, cancellation state, shielding. Each must be called from inside a
/// coroutine (on its scheduler's thread); outside one they throw <see cref="InvalidOperationException"/>.
/// </summary>
public static partial class Co
{
    /// <summary>Yields: the coroutine resumes in the next round, after every coroutine that is ready now.</summary>
    /// <exception cref="CancelledException">The coroutine is being cancelled (and is not shielded).</exception>
    public static PauseAwaitable Pause() => new(CurrentCoroutine("Co.Pause()"));

    /// <summary>True once cancellation has been requested for the calling coroutine (even while shielded).</summary>
    public static bool IsBeingCancelled => CurrentCoroutine("Co.IsBeingCancelled").Cancelled;

    /// <summary>
    /// A token cancelled when the calling coroutine's cancellation is delivered (at once, or when its shield drops), so
    /// .NET IO awaited inside the coroutine can observe it. Created on first use. Exceptions thrown by callbacks
    /// registered on it never interrupt a cancel: a group cancels every child before any callback runs. They are thrown
    /// (as the <see cref="AggregateException"/> of <see cref="CancellationTokenSource.Cancel()"/>) by the
    /// <c>Cancel()</c> call of a handle that started the cancel, and otherwise (a sibling's failure, a timeout, a shield
    /// dropping) by <see cref="Scheduler.RunUntilIdle(DrainBudget)"/> at the end of the drain.
    /// </summary>
    public static CancellationToken CancellationToken => CurrentCoroutine("Co.CancellationToken").Token;

    /// <summary>
    /// Runs <paramref name="body"/> shielded: a cancel does not wake it and its suspensions do not throw. The cancel stays
    /// pending (it is sticky) and is delivered at the first suspension after the body returns.
    /// </summary>
    public static async CoTask ProtectFromCancel(Func<CoTask> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Coroutine co = CurrentCoroutine("Co.ProtectFromCancel");
        co.EnterShield();
        try { await body(); }
        finally { co.ExitShield(); }
    }

    /// <summary>Runs <paramref name="body"/> shielded and returns its result; see <see cref="ProtectFromCancel(Func{CoTask})"/>.</summary>
    public static async CoTask<T> ProtectFromCancel<T>(Func<CoTask<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Coroutine co = CurrentCoroutine("Co.ProtectFromCancel");
        co.EnterShield();
        try { return await body(); }
        finally { co.ExitShield(); }
    }

    /// <summary>Throws <see cref="CancelledException"/> if the calling coroutine is being cancelled and not shielded.</summary>
    public static void ThrowIfCancelled() => CurrentCoroutine("Co.ThrowIfCancelled()").ThrowIfCancelled();

    internal static Coroutine CurrentCoroutine(string what) =>
        Scheduler.CurrentCoroutineOrNull ?? Scheduler.ThrowOutsideCoroutine(what);
}
