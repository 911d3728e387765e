using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched;

// Thread affinity: the checks every member makes, and the refusals.
public sealed partial class Scheduler
{
    /// <summary>Throws <see cref="WrongThreadException"/> unless called on the scheduler's thread.</summary>
    internal void CheckThread([CallerMemberName] string member = "")
    {
        if (!IsDrainingOnThisThread() && !ReferenceEquals(Thread.CurrentThread, _thread)) ThrowWrongThread(member);
    }

    private void ThrowWrongThread(string member) => throw new WrongThreadException(member, _threadId, _threadName);

    /// <summary>
    /// Throws <see cref="WrongThreadException"/> on a thread that owns no scheduler: what a CoTask checks when it is
    /// awaited outside any coroutine or its result is read outside a drain (its source does not name its scheduler).
    /// </summary>
    internal static void CheckSchedulerThread(string member)
    {
        if (DrainingHere is null && !t_ownsScheduler)
            throw new WrongThreadException($"{member} was attempted on thread {Environment.CurrentManagedThreadId}, which " +
                                           "runs no CoSched scheduler. CoSched state is single-threaded: from other threads use " +
                                           "scheduler.Post(...) (or InvokeAsync with an event loop) to run the call on the scheduler's thread.");
    }

    /// <summary>
    /// The coroutine that is awaiting a primitive of this scheduler right now; throws the documented exceptions when
    /// called from another thread or outside any coroutine.
    /// </summary>
    internal Coroutine CurrentForAwait(string what)
    {
        if (!IsDrainingOnThisThread() && !ReferenceEquals(Thread.CurrentThread, _thread)) ThrowWrongThread(what);
        return CurrentCoroutine ?? ThrowOutsideCoroutine(what);
    }

    /// <summary>
    /// The slow half of <see cref="Coroutine.CheckAwaitedHere"/>: returns when the stack check alone could not tell (no
    /// stack range is known) but <paramref name="co"/> is the running coroutine on this thread; throws otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void RefuseCarriedAwait(Coroutine co)
    {
        const string what = "Awaiting a CoSched awaitable";
        if (!IsDrainingOnThisThread() && !ReferenceEquals(Thread.CurrentThread, _thread)) ThrowWrongThread(what);
        if (ReferenceEquals(CurrentCoroutine, co) && _inStep) return;
        throw new InvalidOperationException(
            $"This awaitable belongs to coroutine {co.Describe()}, which is not the one awaiting it. An awaitable (from " +
            "Co.Pause(), handle.Wait(), Co.Sleep(), lazy.Wait(), ...) is bound to the coroutine that created it: create it in " +
            "the coroutine that awaits it, and await it at once.");
    }

    internal static Coroutine ThrowOutsideCoroutine(string what) =>
        throw new InvalidOperationException($"{what} was awaited outside any coroutine. CoSched primitives are awaited " +
                                            "by coroutines: start one with scheduler.Spawn(...) or scheduler.RunAsyncMain(...).");
}
