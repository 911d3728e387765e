using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>Yields to the other ready coroutines: resumes in the next round. Returned by <see cref="Co.Pause"/>.</summary>
/// <remarks>
/// <c>Co.Pause()</c> does not look the coroutine up (a thread-static read costs a third of a pause): the CoTask builder
/// knows it from its box and stores it here before parking. Other builders (a plain <c>async Task</c> method) fall back
/// to the lookup.
/// </remarks>
public struct PauseAwaitable : ICriticalNotifyCompletion, ICoAwaiter
{
    private Coroutine? _co;

    internal PauseAwaitable(Coroutine? co) => _co = co;

    /// <summary>Gets the awaiter (itself).</summary>
    public readonly PauseAwaitable GetAwaiter() => this;

    /// <summary>Always false: a pause always yields (a cancelled coroutine throws as it resumes, at once).</summary>
    public readonly bool IsCompleted => false;

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation)
    {
        Coroutine? co = _co ?? Scheduler.CurrentCoroutineOrNull;
        // Outside any coroutine: never throw from here (a BCL builder would rethrow on the thread pool); resume at once
        // and let GetResult throw the InvalidOperationException where the await is.
        if (co is null) continuation();
        else Park(co, continuation);
    }

    /// <summary>Ends the pause; throws <see cref="CancelledException"/> if the coroutine is being cancelled.</summary>
    public void GetResult()
    {
        Coroutine co = _co ?? Co.CurrentCoroutine("Co.Pause()");
        co.EndWait();
        co.ThrowIfCancelled();
    }

    internal void SetCoroutine(Coroutine co) => _co = co;

    /// <summary>
    /// Queues the coroutine for the next round. If a cancel is pending (and not shielded), the continuation runs at once
    /// instead, so the pause throws immediately rather than after a round.
    /// </summary>
    internal static void Park(Coroutine co, Action continuation)
    {
        if (co.Cancelled && co.ShieldDepth == 0)
        {
            continuation();
            return;
        }
        co.Park(continuation, null);
        co.Scheduler.Wake(co);
    }
}
