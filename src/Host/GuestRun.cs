using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoSched.Host;

/// <summary>
/// A guest run (after Trio's guest mode): CoSched running inside a host's own event loop (a UI dispatcher, an engine's
/// main loop) through one thread-safe callback, "run this soon on your thread". Start one with
/// <c>CoRun.StartGuestRun</c>. Each drain is one callback: it runs the ready coroutines within the drain budget and
/// returns. When coroutines wait for time, a helper thread waits for the deadline and then posts the next drain; when
/// they wait for other threads (a post, a foreign completion), that event posts it. The host's thread never blocks
/// and never polls. When main ends, the run calls onDone on the host thread, stops its helper thread and stops posting.
/// A failing "run this soon" never stops the run: the next request posts again, and the exception reaches the host on
/// its thread (see <c>CoRun.StartGuestRun</c>). Members are for the host thread (the scheduler's) unless stated otherwise.
/// </summary>
public sealed class GuestRun
{
    private static readonly SendOrPostCallback s_runAction = state => ((Action)state!)();

    private readonly Action<Action> _runOnHostThread;
    private readonly Action _drain;
    private readonly Action _requestDrain;
    private readonly DrainBudget _budget;
    private readonly GuestEventLoop _loop;
    private GuestAlarm? _alarm;
    /// <summary>1 while a drain callback is posted and has not started: requests in between are coalesced.</summary>
    private int _drainPosted;
    /// <summary>Exceptions of <c>runOnHostThread</c> called from other threads, for the next drain callback to throw.</summary>
    private List<Exception>? _hostCallbackFaults;
    private readonly Lock _hostCallbackFaultsLock = new();
    private Func<bool>? _finishIfMainEnded;
    private Action<Exception>? _fail;
    private Action? _cancelMain;
    private int _drains;

    private GuestRun(Action<Action> runOnHostThread, DrainBudget budget)
    {
        _runOnHostThread = runOnHostThread;
        _budget = budget;
        _drain = DrainOnHostThread;
        _requestDrain = RequestDrain;
        Scheduler = new Scheduler();
        _loop = new GuestEventLoop(Scheduler, new SystemClock());
        Scheduler.WorkAvailable += _requestDrain;
    }

    /// <summary>
    /// The default drain budget: an 8 ms time slice, so a host frame keeps half of a 60 Hz frame for itself even while
    /// coroutines have work queued; the rest runs in the next drain, posted at once.
    /// </summary>
    public static DrainBudget DefaultBudget { get; } = DrainBudget.Time(TimeSpan.FromMilliseconds(8));

    /// <summary>The scheduler running the guest's coroutines, bound to the host thread (post to it from other threads).</summary>
    public Scheduler Scheduler { get; }

    /// <summary>The run's clock (real monotonic time since the run started).</summary>
    public TimeSpan Now => _loop.Now;

    /// <summary>True once main has ended and onDone has been called (or the run failed).</summary>
    public bool IsDone { get; private set; }

    /// <summary>Number of drain callbacks run so far (each one is one drain). Readable from any thread.</summary>
    public int Drains => Volatile.Read(ref _drains);

    /// <summary>Cancels the main coroutine (its suspensions throw <see cref="CancelledException"/>); onDone then reports it.</summary>
    /// <exception cref="WrongThreadException">Not called on the host thread.</exception>
    public void Cancel()
    {
        Scheduler.CheckThread("GuestRun.Cancel");
        if (!IsDone) _cancelMain!();
    }

    internal static GuestRun Start(Func<CoTask> main, Action<Action> runOnHostThread, Action<Exception?> onDone,
                                   DrainBudget? budget, string? member, string? file, int line)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(runOnHostThread);
        ArgumentNullException.ThrowIfNull(onDone);
        var run = new GuestRun(runOnHostThread, budget ?? DefaultBudget);
        CoroutineHandle handle = run.Scheduler.Spawn(main, "main", member, file, line);
        run._cancelMain = handle.Cancel;
        run._fail = onDone;
        run._finishIfMainEnded = () =>
        {
            if (!handle.IsCompleted) return false;
            Exception? error = null;
            try { handle.TryGetResult(); }
            catch (Exception e) { error = e; }
            run.End();
            onDone(error);
            return true;
        };
        run.RequestDrain();
        return run;
    }

    internal static GuestRun Start<T>(Func<CoTask<T>> main, Action<Action> runOnHostThread, Action<GuestOutcome<T>> onDone,
                                      DrainBudget? budget, string? member, string? file, int line)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(runOnHostThread);
        ArgumentNullException.ThrowIfNull(onDone);
        var run = new GuestRun(runOnHostThread, budget ?? DefaultBudget);
        CoroutineHandle<T> handle = run.Scheduler.Spawn(main, "main", member, file, line);
        run._cancelMain = handle.Cancel;
        run._fail = e => onDone(new GuestOutcome<T>(default!, e));
        run._finishIfMainEnded = () =>
        {
            if (!handle.IsCompleted) return false;
            T result = default!;
            Exception? error = null;
            try { handle.TryGetResult(out result); }
            catch (Exception e) { error = e; }
            run.End();
            onDone(new GuestOutcome<T>(result, error));
            return true;
        };
        run.RequestDrain();
        return run;
    }

    /// <summary>An <c>Action&lt;Action&gt;</c> posting to <paramref name="context"/> (one closure per run, none per post).</summary>
    internal static Action<Action> ViaContext(SynchronizationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return action => context.Post(s_runAction, action);
    }

    /// <summary>
    /// Asks the host for a drain unless one is already posted. Thread-safe (WorkAvailable, the alarm thread). If the
    /// host's callback throws, nothing was posted: the flag is cleared and WorkAvailable re-armed so that the next
    /// request posts again. On the host thread the exception reaches the host's call; from any other thread (where it
    /// would reach a thread-pool completion or the alarm thread) it is kept and thrown by the next drain callback.
    /// </summary>
    private void RequestDrain()
    {
        if (Interlocked.Exchange(ref _drainPosted, 1) != 0) return;
        try
        {
            _runOnHostThread(_drain);
        }
        catch (Exception e)
        {
            Volatile.Write(ref _drainPosted, 0);
            Scheduler.RearmWorkAvailable();
            if (Scheduler.IsOnSchedulerThread) throw;
            lock (_hostCallbackFaultsLock) (_hostCallbackFaults ??= new List<Exception>()).Add(e);
        }
    }

    /// <summary>
    /// One host callback: one drain, then decide what brings the next one. Then it throws what the host's callback threw
    /// on other threads since the last one: the run goes on (the next drain is already posted or armed), and the host's
    /// message loop sees the exception, as it sees onDone's.
    /// </summary>
    private void DrainOnHostThread()
    {
        DrainAndPlanNext();
        if (Volatile.Read(ref _hostCallbackFaults) is null) return;
        List<Exception>? faults;
        lock (_hostCallbackFaultsLock)
        {
            faults = _hostCallbackFaults;
            _hostCallbackFaults = null;
        }
        if (faults is null) return;
        if (faults.Count == 1) ExceptionDispatchInfo.Throw(faults[0]);
        throw new AggregateException(faults);
    }

    private void DrainAndPlanNext()
    {
        // Cleared first: a request made during the drain (a post from another thread) posts the next callback.
        Volatile.Write(ref _drainPosted, 0);
        if (IsDone) return;
        Interlocked.Increment(ref _drains);
        DrainResult r;
        try
        {
            r = Scheduler.RunUntilIdle(_budget);
        }
        catch (Exception e) when (Scheduler.IsOnSchedulerThread)
        {
            // An action posted to the scheduler threw: that is a bug in the embedding; end the run and say so.
            End();
            _fail!(e);
            return;
        }
        if (_finishIfMainEnded!()) return;
        switch (r.Status)
        {
            case DrainStatus.BudgetExhausted:
                RequestDrain(); // let the host run its own messages, then continue
                break;
            case DrainStatus.Deadlock:
                End();
                _fail!(new DeadlockException(r.Deadlock!));
                break;
            case DrainStatus.Idle:
                if (r.NextDeadline is { } deadline) (_alarm ??= new GuestAlarm(_loop.Clock, _requestDrain)).Arm(deadline.Ticks);
                break; // otherwise a post, a foreign completion or a released lease raises WorkAvailable
        }
    }

    private void End()
    {
        IsDone = true;
        Scheduler.WorkAvailable -= _requestDrain;
        _alarm?.Stop();
        _alarm = null;
    }
}
