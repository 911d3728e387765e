using System;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace CoSched;

/// <summary>
/// The completion core behind a <see cref="CoTask"/> or <see cref="CoTask{T}"/> that did not finish synchronously.
/// Single-threaded by contract (everything runs on the scheduler's thread), so no interlocked operations: this is
/// what makes an await cost a few nanoseconds. A version token catches a second await or a use after recycling.
/// A <see cref="Resumable"/> so that a state-machine box (the one source that suspends a frame) can itself be the
/// continuation its coroutine parks; the other sources are never parked.
/// </summary>
internal abstract class CoTaskSource<T> : Resumable, IWaitSite
{
    /// <summary>Bumped each time the result is consumed; a CoTask holding an older value is stale.</summary>
    internal int Version;
    // _continuation and _awaiter are left behind after a completion (_awaited says whether they are current): pooled
    // sources and records are reused in pairs (a spawn site's body box and its record come off their LIFO pools
    // together), so the next registration usually finds the same references and skips two GC write barriers.
    private object? _continuation;
    private Coroutine? _awaiter;
    private bool _awaited;
    /// <summary>
    /// Until completion, the awaiter's ExecutionContext (null: the default one); from completion until the result is
    /// read, the error (null: success). One field for two values that are never needed at once: 8 B less in every
    /// state-machine box, and so in every parked coroutine.
    /// </summary>
    private object? _contextOrError;
    private bool _completed;
    private T _result = default!;

    /// <summary>Returns the source to its pool after its result was consumed.</summary>
    protected abstract void Recycle();

    /// <summary>Only a state-machine box is ever parked as a continuation.</summary>
    internal override void Resume() =>
        throw new InvalidOperationException("Internal error: a CoTask source that holds no frame was resumed.");

    internal bool IsCompleted(int token)
    {
        CheckToken(token);
        return _completed;
    }

    /// <summary>
    /// An awaiter's IsCompleted: when the answer is false, it also makes the refusals of <see cref="OnCompleted(object, int, Coroutine?)"/>
    /// (awaited twice, another thread) here, where a throw reaches the awaiting method as an ordinary exception and its
    /// finally blocks run (see <see cref="Coroutine.CheckCanPark"/>). OnCompleted keeps them for awaiters driven by hand.
    /// </summary>
    internal bool IsCompletedForAwait(int token)
    {
        CheckToken(token);
        if (_completed) return true;
        if (_awaited) ThrowAwaitedTwice();
        if (Scheduler.CurrentCoroutineOrNull is null) Scheduler.CheckSchedulerThread(AwaitMember);
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowAwaitedTwice() =>
        throw new InvalidOperationException("This CoTask is already being awaited. A CoTask can be awaited only once; " +
                                            "store its result, or use AsTask() to share it.");

    internal void OnCompleted(object continuation, int token) =>
        OnCompleted(continuation, token, Scheduler.CurrentCoroutineOrNull);

    /// <summary>Registers the continuation of <paramref name="co"/> (null: an awaiter outside any coroutine).</summary>
    internal void OnCompleted(object continuation, int token, Coroutine? co)
    {
        // No coroutine: host code on a scheduler's thread (allowed), or another thread (refused: it would race the
        // scheduler's completion of this source and could lose the wake-up).
        if (co is null) Scheduler.CheckSchedulerThread(AwaitMember);
        CheckToken(token);
        if (_awaited) ThrowAwaitedTwice();
        _awaited = true;
        if (!ReferenceEquals(_awaiter, co)) _awaiter = co;
        // As with Task: the awaiting frame resumes in the context it awaited in, not in what the callee left behind.
        System.Threading.ExecutionContext? ec = co is not null ? ThreadContext.Get(co.Scheduler.Thread) : null;
        if (!ReferenceEquals(_continuation, continuation)) _continuation = continuation;
        if (_completed) Signal(ec); // completed between IsCompleted and OnCompleted (not possible single-threaded, but cheap)
        else
        {
            if (ec is not null) _contextOrError = ec;
            // The awaited frame runs in another coroutine: nothing of this one parked it (a frame of its own would have:
            // on a CoSched primitive, or on a .NET await's site). Park this one here, so a cancel can take it off the
            // wait and deliver itself, as on any CoSched wait; unparked, the cancel waited for the task to complete.
            if (co is { Waiting: false } && co.Site is null && !ReferenceEquals(continuation, BodyCompletionMarker.Instance))
                co.ParkOnTask(continuation, this);
        }
    }

    /// <summary>
    /// A cancel of the coroutine awaiting this task from another coroutine: its registration is withdrawn (the task's
    /// outcome then goes unread: the source is left to the GC, not recycled), and the awaiter's
    /// <see cref="GetResult"/> throws <see cref="CancelledException"/>.
    /// </summary>
    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        if (_completed || !_awaited || !ReferenceEquals(_awaiter, waiter)) return false;
        _awaited = false;
        _contextOrError = null;
        return true;
    }

    string IWaitSite.Describe() => "a CoTask whose frame runs in another coroutine";

    /// <summary>
    /// Registers the completion of a coroutine's body task: <paramref name="owner"/>.OnBodyCompleted runs when it
    /// completes. A marker stands in for the continuation, so a coroutine record needs no delegate of its own.
    /// </summary>
    internal void OnBodyCompleted(int token, Coroutine owner) => OnCompleted(BodyCompletionMarker.Instance, token, owner);

    internal T GetResult(int token)
    {
        // Reading the result recycles the source: only on a scheduler's thread (a drain's stack check first; the sources
        // name no scheduler, which would cost 8 B in every parked frame).
        if (Scheduler.DrainingHereHint is null) Scheduler.CheckSchedulerThread(AwaitMember);
        CheckToken(token);
        if (!_completed)
        {
            // The await of a task run by another coroutine was withdrawn by a cancel (IWaitSite.TryCancelWait above).
            if (Scheduler.CurrentCoroutineOrNull is { WokenByCancel: true } co && !_awaited)
            {
                co.WokenByCancel = false;
                Coroutine.ThrowCancelled();
            }
            throw new InvalidOperationException("This CoTask has not completed. A CoTask must be awaited, not read " +
                                                "synchronously: GetResult never blocks the scheduler's thread.");
        }
        ExceptionDispatchInfo? error = Unsafe.As<ExceptionDispatchInfo?>(_contextOrError); // completed: the error or null
        T result = _result;
        _contextOrError = null;
        _result = default!;
        _completed = false;
        unchecked { Version++; }
        Recycle();
        error?.Throw();
        return result;
    }

    /// <summary>Completes with a value and resumes the awaiter.</summary>
    internal void SetResult(T result)
    {
        System.Threading.ExecutionContext? ec = TakeAwaiterContext();
        _result = result;
        _completed = true;
        Signal(ec);
    }

    /// <summary>Completes with an error and resumes the awaiter.</summary>
    internal void SetException(Exception error)
    {
        System.Threading.ExecutionContext? ec = TakeAwaiterContext();
        _contextOrError = ExceptionDispatchInfo.Capture(error);
        _completed = true;
        Signal(ec);
    }

    private System.Threading.ExecutionContext? TakeAwaiterContext()
    {
        object? ec = _contextOrError; // not completed yet: the awaiter's context or null
        if (ec is null) return null;
        _contextOrError = null;
        return Unsafe.As<System.Threading.ExecutionContext>(ec);
    }

    private void Signal(System.Threading.ExecutionContext? ec)
    {
        if (!_awaited) return;
        _awaited = false;
        object c = _continuation!;
        Coroutine? co = _awaiter;
        // A delegate from outside (a .NET awaiter of this CoTask) may hold anything: do not keep it alive in the pool.
        if (c.GetType() == typeof(Action) && !ReferenceEquals(c, BodyCompletionMarker.Instance)) _continuation = null;
        if (co is null)
        {
            Run(c);
        }
        else if (ReferenceEquals(c, BodyCompletionMarker.Instance))
        {
            // The body of co completed: end the coroutine (in its own step, the usual case) or queue the end.
            if (ReferenceEquals(co.Scheduler.CurrentCoroutine, co))
            {
                if (!ReferenceEquals(ThreadContext.Get(co.Scheduler.Thread), ec)) ThreadContext.Restore(ec);
                co.OnBodyCompleted(this, Version);
            }
            else co.ResumeLater(co.DeferBodyCompletion(this, Version), ec);
        }
        else if (ReferenceEquals(co.Scheduler.CurrentCoroutine, co))
        {
            // Same coroutine (the usual case: a nested async method returning to its caller): continue inline.
            if (!ReferenceEquals(ThreadContext.Get(co.Scheduler.Thread), ec)) ThreadContext.Restore(ec);
            Run(c);
        }
        else
        {
            // A CoTask awaited by another coroutine resumes that coroutine through the ready queue; the scheduler
            // restores its saved context when the step begins.
            co.ResumeLater(c, ec);
        }
    }

    private const string AwaitMember = "Awaiting a CoTask (.NET code on another thread: call AsTask() on the scheduler's thread, then await the Task)";

    private void CheckToken(int token)
    {
        if (token != Version)
            throw new InvalidOperationException("This CoTask was already awaited (its result was consumed). A CoTask can " +
                                                "be awaited only once; store the result instead of awaiting again.");
    }
}

/// <summary>A source that is already faulted: the result of a CoTask method that threw before its first suspension.</summary>
internal sealed class FaultedCoTaskSource<T> : CoTaskSource<T>
{
    internal FaultedCoTaskSource(Exception error) => SetException(error);

    protected override void Recycle() { }
}

/// <summary>A source for a result that arrives later on the scheduler thread (used by AsTask-free adapters and tests).</summary>
internal sealed class ManualCoTaskSource<T> : CoTaskSource<T>
{
    protected override void Recycle() { }
}

/// <summary>Stands in for the continuation of a coroutine's body task (see <see cref="CoTaskSource{T}.OnBodyCompleted"/>).</summary>
internal static class BodyCompletionMarker
{
    internal static readonly Action Instance = static () =>
        throw new InvalidOperationException("Internal error: the body-completion marker was invoked as a continuation.");
}
