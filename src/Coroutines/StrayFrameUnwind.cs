using System;

namespace CoSched;

/// <summary>
/// Unwinds a stray frame: a CoTask method that its coroutine called without <c>await</c>, still suspended (the
/// coroutine parked on its wait) when the coroutine's body completed. Such a frame used to be abandoned, never resumed,
/// so its <c>finally</c> blocks never ran and a lock it held stayed held by an ended coroutine (reliability bug 11).
/// Now the coroutine is cancelled (the frame's wait ends with <see cref="CancelledException"/>, unless it is shielded),
/// its next steps run the frame through this wrapper until nothing is parked any more, and only then does the coroutine
/// end: failed with the body's own error, or with an <see cref="InvalidOperationException"/> naming the missing await.
/// Created on first use per record (in <see cref="CoroutineExtras"/>); the common paths never see it.
/// </summary>
internal sealed class StrayFrameUnwind : Resumable
{
    private readonly Coroutine _co;
    /// <summary>The stray frame's own continuation, run by <see cref="Resume"/>.</summary>
    private object? _inner;
    /// <summary>The outcome the coroutine ends with once the frame has unwound; set while unwinding.</summary>
    private Exception? _outcome;

    private StrayFrameUnwind(Coroutine co) => _co = co;

    /// <summary>
    /// Starts unwinding <paramref name="co"/>'s stray frame instead of ending it now; false when it is unwinding
    /// already (the caller then abandons the wait, as a last resort).
    /// </summary>
    internal static bool TryBegin(Coroutine co, Exception? bodyError)
    {
        CoroutineExtras extras = co.Extras;
        StrayFrameUnwind unwind = extras.StrayFrame ??= new StrayFrameUnwind(co);
        if (unwind._outcome is not null) return false;
        unwind._outcome = bodyError ?? new InvalidOperationException(
            "This coroutine's body completed while a CoTask method it had called without await was still suspended. " +
            "That call was cancelled so its finally blocks ran, and the coroutine fails with this error. Await every " +
            "CoTask where it is called, or run it as a coroutine of its own (Spawn, or a task group).");
        co.CancelStrayFrame();
        unwind.Wrap();
        return true;
    }

    /// <summary>True from <see cref="TryBegin"/> until the coroutine ends (or a faulted step cuts the unwind short).</summary>
    internal bool IsUnwinding => _outcome is not null;

    /// <summary>Forgets an unwind that a faulted step cut short (the record may be reused).</summary>
    internal void Reset()
    {
        _inner = null;
        _outcome = null;
    }

    private void Wrap()
    {
        _inner = _co.Continuation;
        _co.Continuation = this;
    }

    internal override void Resume()
    {
        object inner = _inner!;
        _inner = null;
        Resumable.Run(inner);
        if (_co.Waiting)
        {
            Wrap(); // parked again: a shielded wait, or an await in a finally block
            return;
        }
        Exception outcome = _outcome!;
        _outcome = null;
        _co.EndAfterUnwind(outcome);
    }
}
