using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// Exceptions from user code that the scheduler calls where nobody could catch them or where throwing would cut its
/// bookkeeping short: a <see cref="WorkAvailable"/> handler raised on another thread (a thread-pool completion,
/// offloaded work posting back), and user code run while a cancel is delivered (callbacks on a coroutine's or an
/// offloaded job's token, a WorkAvailable handler raised by the wake). They are kept here and thrown on the scheduler's
/// thread: by the <c>Cancel()</c> call that started the cancel, else by the next drain, after its work has run.
/// </summary>
public sealed partial class Scheduler
{
    /// <summary>Guards <see cref="_handlerFaults"/> (the only part of this file other threads touch).</summary>
    private readonly Lock _handlerFaultsLock = new();
    /// <summary>WorkAvailable handler exceptions caught on other threads, not yet thrown by a drain.</summary>
    private List<Exception>? _handlerFaults;

    /// <summary>Exceptions of user code run while delivering cancels (scheduler thread only), not yet thrown.</summary>
    private List<Exception>? _cancelErrors;

    /// <summary>Keeps an exception thrown by user code during a cancel's bookkeeping (see the class remarks).</summary>
    internal void KeepCancelError(Exception e) => (_cancelErrors ??= new List<Exception>()).Add(e);

    /// <summary>
    /// A handle's Cancel(): cancels <paramref name="co"/> (and whatever its cancel reaches: a group's children), then
    /// throws what user code threw meanwhile, like CancellationTokenSource.Cancel: one failing source as is (a token's
    /// AggregateException, a WorkAvailable handler's exception), several in one AggregateException of their exceptions.
    /// </summary>
    internal void CancelFromHandle(Coroutine co)
    {
        List<Exception>? outer = _cancelErrors; // kept by earlier library cancels of this drain: not this call's
        if (outer is not null) _cancelErrors = null;
        List<Exception>? mine;
        try
        {
            co.Cancel();
        }
        finally
        {
            mine = _cancelErrors;
            _cancelErrors = outer;
        }
        if (mine is not null) ThrowCancelErrors(mine);
    }

    private static void ThrowCancelErrors(List<Exception> errors)
    {
        if (errors.Count == 1) ExceptionDispatchInfo.Throw(errors[0]);
        var all = new List<Exception>();
        foreach (Exception e in errors)
        {
            if (e is AggregateException a) all.AddRange(a.InnerExceptions); else all.Add(e);
        }
        throw new AggregateException(all);
    }

    /// <summary>
    /// Calls the <see cref="WorkAvailable"/> handlers (the event has just been disarmed). On the scheduler's thread an
    /// exception reaches the caller that delivered the work (the host's own call). On any other thread it is kept for the
    /// next drain, and the event is armed again: the host may not have been told, so the next delivery tries again; the
    /// other handlers still run.
    /// </summary>
    private void RaiseWorkAvailable()
    {
        Action? handler = WorkAvailable;
        if (handler is null) return;
        if (ReferenceEquals(Thread.CurrentThread, _thread))
        {
            handler();
            return;
        }
        if (handler.HasSingleTarget)
        {
            try { handler(); }
            catch (Exception e) { KeepHandlerFault(e); }
            return;
        }
        // Several handlers (a host's wake-up beside the user's own): each runs whatever the others throw.
        foreach (Action h in Delegate.EnumerateInvocationList(handler))
        {
            try { h(); }
            catch (Exception e) { KeepHandlerFault(e); }
        }
    }

    private void KeepHandlerFault(Exception e)
    {
        lock (_handlerFaultsLock) (_handlerFaults ??= new List<Exception>()).Add(e);
        RearmWorkAvailable();
    }

    /// <summary>
    /// Arms <see cref="WorkAvailable"/> again after a raise whose handler could not reach the host (it threw): the next
    /// delivery raises it again. Thread-safe. At worst, during a drain, a later post raises it once too often (harmless).
    /// </summary>
    internal void RearmWorkAvailable() => Volatile.Write(ref _workAvailableArmed, 1);

    /// <summary>Appends the errors kept for the host (see the class remarks) to <paramref name="errors"/> and forgets them.</summary>
    private void TakeKeptErrors(ref List<Exception>? errors)
    {
        if (_cancelErrors is { } cancelErrors)
        {
            _cancelErrors = null;
            (errors ??= new List<Exception>()).AddRange(cancelErrors);
        }
        if (Volatile.Read(ref _handlerFaults) is not null)
        {
            List<Exception>? faults;
            lock (_handlerFaultsLock)
            {
                faults = _handlerFaults;
                _handlerFaults = null;
            }
            if (faults is not null) (errors ??= new List<Exception>()).AddRange(faults);
        }
    }

    /// <summary>True when a drain has kept errors to throw (one racy read: a late one is thrown by the next drain).</summary>
    private bool HasKeptErrors => _cancelErrors is not null || Volatile.Read(ref _handlerFaults) is not null;
}
