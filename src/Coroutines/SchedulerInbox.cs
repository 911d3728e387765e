using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched;

// The inbox, the only thread-safe part: posts, foreign resumes and external waits.
public sealed partial class Scheduler
{
    /// <summary>
    /// Queues <paramref name="action"/> to run on the scheduler's thread during the next drain, outside any coroutine.
    /// Thread-safe; raises <see cref="WorkAvailable"/> if the scheduler is idle.
    /// </summary>
    public void Post(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _inbox.Add(new InboxItem { Continuation = action });
        SignalWorkAvailable();
    }

    internal void PostCallback(SendOrPostCallback callback, object? state)
    {
        _inbox.Add(new InboxItem { Callback = callback, State = state });
        SignalWorkAvailable();
    }

    /// <summary>Called from any thread when a foreign awaitable completes: resume <paramref name="co"/> on our thread.</summary>
    internal void PostForeignResume(Coroutine co, int version, object continuation, ExecutionContext? context)
    {
        _inbox.Add(new InboxItem { Coroutine = co, Version = version, Continuation = continuation, State = context });
        SignalWorkAvailable();
    }

    /// <summary>Counts a foreign await as an external wait: blocked coroutines are then idle, not deadlocked.</summary>
    internal void BeginForeignWait(Coroutine co)
    {
        _externalWaits++;
        // A coroutine already waiting on a CoSched primitive (a CoTask call left suspended there, beside which this .NET
        // await runs, as such frames may) keeps that wait's site and saved context: they are the parked frame's, whose
        // wait a cancel or an unwind must still withdraw, and which resumes in its own ExecutionContext (reliability
        // bug 14: overwriting the site hung the coroutine's end, its stray frame left queued on the primitive).
        if (co.Waiting) return;
        co.Site = ForeignWaitSite.Instance;
        co.SaveContext();
    }

    /// <summary>Whether a drain is running (on the scheduler's thread: the only place this is read).</summary>
    internal bool IsDraining => _draining;

    /// <summary>Counts outstanding external work (offloaded jobs) that will post back; used by the event loop.</summary>
    internal void AddExternalWait() => _externalWaits++;

    /// <summary>Ends an external wait counted by <see cref="AddExternalWait"/>.</summary>
    internal void RemoveExternalWait() => _externalWaits--;

    /// <summary>Raises <see cref="WorkAvailable"/> once per idle period: for posted work, and for a timer armed between drains.</summary>
    internal void SignalWorkAvailable()
    {
        Interlocked.MemoryBarrier(); // the poster's half of the idle handshake (see RunUntilIdle): the work is queued first
        if (Volatile.Read(ref _workAvailableArmed) == 1 && Interlocked.Exchange(ref _workAvailableArmed, 0) == 1)
            RaiseWorkAvailable();
    }

    private void ProcessInbox(ref List<Exception>? errors)
    {
        int n = _inbox.TakeAll(out InboxItem[] batch);
        for (int i = 0; i < n; i++)
        {
            ref InboxItem item = ref batch[i];
            try
            {
                if (item.Coroutine is { } co)
                {
                    if (co.Queued && !item.Deferred && co.Version == item.Version && !co.HasEnded)
                    {
                        // Already queued to step (an earlier completion of this batch resumed another of its frames, or
                        // a primitive woke it): this frame waits for the next round, so the queued one runs first and
                        // one frame at a time; run in place now, it could end the body before the queued frame ran
                        // (audit finding: a second .NET completion in one batch failed the coroutine as "called
                        // without await"). Put back without a signal: the drain is running. Once only: a coroutine that
                        // is queued again by then (pausing in a loop) must not starve the frame, which then runs in place.
                        item.Deferred = true;
                        _inbox.Add(item);
                        continue;
                    }
                    _externalWaits--;
                    // The frame resumes in the ExecutionContext it awaited in (the coroutine's saved one may be another
                    // frame's: a frame beside a suspended call without await, or the body after such a call).
                    var context = Unsafe.As<ExecutionContext?>(item.State);
                    if (co.Version != item.Version || co.HasEnded)
                        RunAs(null, item.Continuation!, context); // an abandoned frame of a coroutine that has ended: it runs outside any coroutine
                    else if (!co.Waiting) co.ResumeLater(item.Continuation!, context);
                    else RunAs(co, item.Continuation!, context); // the coroutine has concurrent .NET frames; run this one in place
                }
                else if (item.Continuation is { } continuation) Resumable.Run(continuation);
                else item.Callback!(item.State);
            }
            catch (Exception e)
            {
                (errors ??= new List<Exception>()).Add(e);
            }
        }
        _inbox.Return(batch, n);
    }

    private void RunAs(Coroutine? co, object continuation, ExecutionContext? context)
    {
        // Between rounds the thread is in the host's context (BetweenRounds); the frame runs in its own, then the
        // host's is back for the rest of the inbox.
        ExecutionContext? host = ThreadContext.Get(_thread);
        if (!ReferenceEquals(host, context)) ThreadContext.Restore(context);
        CurrentCoroutine = co;
        try { Resumable.Run(continuation); }
        finally
        {
            CurrentCoroutine = null;
            if (!ReferenceEquals(ThreadContext.Get(_thread), host)) ThreadContext.Restore(host);
        }
    }
}
