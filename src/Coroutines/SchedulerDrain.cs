using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoSched;

// The drain: rounds, steps, wakes and ends.
public sealed partial class Scheduler
{
    /// <summary>Runs rounds while work is immediately ready; see <see cref="RunUntilIdle(DrainBudget)"/>.</summary>
    public DrainResult RunUntilIdle() => RunUntilIdle(DrainBudget.Unlimited);

    /// <summary>
    /// Runs rounds while work is immediately ready and the budget lasts, then returns why it stopped. Never spins on
    /// blocked coroutines and never blocks the thread. Exceptions thrown by posted actions propagate from here after the
    /// whole posted batch has run (nothing else is lost: ready coroutines stay queued for the next call), together with
    /// the exceptions kept since the last drain (<see cref="WorkAvailable"/> handlers that threw on another thread, token
    /// callbacks that threw during a cancel no handle's <c>Cancel()</c> started: see <see cref="Co.CancellationToken"/>);
    /// one is rethrown as is, several in an <see cref="AggregateException"/>.
    /// </summary>
    public DrainResult RunUntilIdle(DrainBudget budget)
    {
        CheckThread();
        if (_draining)
            throw new InvalidOperationException("RunUntilIdle is not reentrant: it was called from inside a drain " +
                                                "(a coroutine or a posted action). Return to the host loop instead.");
        _draining = true;
        _betweenRounds &= unchecked((byte)~MainEndedBit); // a main that ended in an earlier drain stops nothing now
        _drainStackSize = _stackSize;
        _hintStackSize = _stackSize;
        if (_trimmedAtGen2 != PoolTrimSignal.Gen2Collections) TrimPools();
        Volatile.Write(ref _workAvailableArmed, 0);
        SynchronizationContext? hostContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_syncContext);
        Scheduler? outer = t_draining;
        if (outer is not null && outer._nestedDrains++ == 0) outer._hintStackSize = 0;
        t_draining = this;
        s_lastDrainer = this;
        ExecutionContext? hostExecutionContext = ThreadContext.Get(_thread);
        _drainHostContext = hostExecutionContext;
        var run = new DrainRun
        {
            MaxSteps = budget.MaxSteps == 0 ? int.MaxValue : budget.MaxSteps,
            TimeLimit = budget.MaxStopwatchTicks,
            HostContext = hostExecutionContext,
            Metered = budget.MaxSteps != 0 || budget.MaxStopwatchTicks != 0 || StepObserver is not null,
        };
        if (run.TimeLimit != 0) run.Start = Stopwatch.GetTimestamp();
        List<Exception>? postErrors = null;
        DrainStatus status;
        try
        {
            while (true)
            {
                // The rounds run in a method with no exception handler, so its loop keeps its locals in registers and
                // inlines the step; a step's fault (a misbehaving awaiter, never the body: the body's task catches that)
                // lands here and the interrupted round goes on from the next coroutine.
                try
                {
                    status = RunRounds(ref run, ref postErrors);
                    break;
                }
                catch (Exception e) when (_inStep && CurrentCoroutine is not null)
                {
                    FailStep(CurrentCoroutine, e);
                }
            }
        }
        finally
        {
            _draining = false;
            _drainStackSize = 0;
            _hintStackSize = 0;
            _inStep = false;
            _roundLeft = 0;
            CurrentCoroutine = null;
            _drainHostContext = null;
            t_draining = outer;
            if (outer is not null)
            {
                if (--outer._nestedDrains == 0) outer._hintStackSize = outer._stackSize;
                s_lastDrainer = outer;
            }
            if (!ReferenceEquals(ThreadContext.Get(_thread), hostExecutionContext)) ThreadContext.Restore(hostExecutionContext);
            SynchronizationContext.SetSynchronizationContext(hostContext);
        }
        if (HasKeptErrors) TakeKeptErrors(ref postErrors);
        if (postErrors is not null)
            throw postErrors.Count == 1 ? Rethrow(postErrors[0]) : new AggregateException(postErrors);
        return new DrainResult(status, run.Steps, run.Rounds, _eventLoop?.NextDeadline, _externalWaits > 0 || _leases > 0,
                               status == DrainStatus.Deadlock ? BuildDeadlockReport() : null);
    }

    private static Exception Rethrow(Exception e)
    {
        ExceptionDispatchInfo.Throw(e);
        return e;
    }

    private DrainStatus IdleStatus()
    {
        if (_main is not null ? _main.HasEnded : _liveCount == 0) return DrainStatus.Completed;
        if (_liveCount > 0 && _externalWaits == 0 && _leases == 0 && _eventLoop?.HasPendingTimers != true)
            return DrainStatus.Deadlock;
        return DrainStatus.Idle;
    }

    /// <summary>A drain's budget and counters, kept by <see cref="RunUntilIdle(DrainBudget)"/> across step faults.</summary>
    private struct DrainRun
    {
        public int MaxSteps;
        public long TimeLimit;
        public long Start;
        public ExecutionContext? HostContext;
        public int Steps;
        public int Rounds;
        /// <summary>A step limit, a time limit or a step observer: the rounds take <see cref="RunMeteredRounds"/>.</summary>
        public bool Metered;
    }

    /// <summary>
    /// Runs rounds until nothing is ready. No exception handler here (see RunUntilIdle): a step that throws leaves
    /// <see cref="_roundLeft"/> saying how much of its round is left, and the next call finishes it first. This is the
    /// loop every unmetered drain spends its time in, so a round costs two tests (posted work or due timers, then the
    /// ready count) before its steps; everything rarer lives in the methods it calls.
    /// </summary>
    private DrainStatus RunRounds(ref DrainRun run, ref List<Exception>? postErrors)
    {
        if (run.Metered) return RunMeteredRounds(ref run, ref postErrors);
        int left = _roundLeft;
        while (true)
        {
            if (left == 0)
            {
                if ((_inbox.HasItems || _betweenRounds != 0) && BetweenRounds(ref run, ref postErrors)) return DrainStatus.Completed;
                left = _ready.Count;
                if (left == 0)
                {
                    if (DrainedOrPosted()) return IdleStatus();
                    continue;
                }
                // Steps are counted up front: a faulted step counts, and the rest of its round runs on re-entry without
                // being counted again.
                run.Rounds++;
                run.Steps += left;
            }
            _roundLeft = --left;
            StepInline(_ready.Dequeue());
        }
    }

    /// <summary>
    /// Before a round: runs posted work, then fires due timers (the starvation guard for time: due timers wake their
    /// coroutines before every round, not only when idle; the loop calls <see cref="EnterCallbackContext"/> before it
    /// fires any, so a round that fires nothing pays nothing more).
    /// </summary>
    /// <returns>True when main has ended in this drain: the drain stops (what is ready stays queued).</returns>
    private bool BetweenRounds(ref DrainRun run, ref List<Exception>? postErrors)
    {
        if ((_betweenRounds & MainEndedBit) != 0)
        {
            _betweenRounds &= unchecked((byte)~MainEndedBit);
            return true;
        }
        if (_inbox.HasItems)
        {
            CurrentCoroutine = null;
            if (!ReferenceEquals(ThreadContext.Get(_thread), run.HostContext)) ThreadContext.Restore(run.HostContext);
            ProcessInbox(ref postErrors);
        }
        if (TimersPending) _eventLoop!.FireDueTimers();
        return false;
    }

    /// <summary>
    /// Nothing is ready: arms <see cref="WorkAvailable"/>, then looks at the inbox once more. True when the drain
    /// stops; false when work was posted meanwhile (the drain goes on).
    /// </summary>
    private bool DrainedOrPosted()
    {
        // Arm, then look at the inbox; a poster fills the inbox, then looks at the arm. Each side needs a full fence
        // between its store and its load (x86 may run a load before an older store): without them both could read the
        // old value, and the host would sleep with work queued (a lost wake-up).
        Interlocked.Exchange(ref _workAvailableArmed, 1);
        if (!_inbox.HasItems) return true;
        Volatile.Write(ref _workAvailableArmed, 0);
        return false;
    }

    /// <summary>
    /// <see cref="RunRounds"/> for a drain with a step or time budget or a step observer: checks the budget before
    /// each round and, with a time limit or an observer, reads the clock around each step.
    /// </summary>
    private DrainStatus RunMeteredRounds(ref DrainRun run, ref List<Exception>? postErrors)
    {
        int steps = run.Steps, maxSteps = run.MaxSteps;
        long timeLimit = run.TimeLimit;
        while (true)
        {
            int left = _roundLeft;
            if (left == 0)
            {
                if ((_inbox.HasItems || _betweenRounds != 0) && BetweenRounds(ref run, ref postErrors)) return DrainStatus.Completed;
                int n = _ready.Count;
                if (n == 0)
                {
                    if (DrainedOrPosted()) return IdleStatus();
                    continue;
                }
                if (steps >= maxSteps || timeLimit != 0 && Stopwatch.GetTimestamp() - run.Start >= timeLimit)
                    return DrainStatus.BudgetExhausted;
                run.Rounds++;
                int allowed = Math.Min(n, maxSteps - steps);
                if (timeLimit != 0 || StepObserver is not null)
                {
                    // The timed round: a clock read per step, and step timing (see SchedulerStepTiming.cs).
                    for (int i = 0; i < allowed; i++)
                    {
                        if (timeLimit != 0 && i > 0 && Stopwatch.GetTimestamp() - run.Start >= timeLimit) break;
                        if (StepObserver is null) Step(_ready.Dequeue()); else TimedStep(_ready.Dequeue());
                        run.Steps = ++steps;
                    }
                    continue;
                }
                run.Steps = steps += allowed;
                left = allowed;
            }
            do
            {
                _roundLeft = --left;
                StepInline(_ready.Dequeue());
            }
            while (left != 0);
        }
    }

    /// <summary>
    /// <see cref="Step"/> without its exception handler, inlined into the drain loop: a fault is caught by
    /// <see cref="RunUntilIdle(DrainBudget)"/> while <see cref="_inStep"/> is set.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StepInline(Coroutine co)
    {
        co.Queued = false;
        if (co.HasEnded)
        {
            // Woken for a frame that was abandoned when the coroutine ended (see Coroutine.End): nothing to resume.
            co.TryRecycle();
            return;
        }
        // CurrentCoroutine is left set between steps (only inbox processing and the drain's end clear it), so a
        // coroutine resumed twice in a row costs no write barrier.
        if (!ReferenceEquals(CurrentCoroutine, co)) CurrentCoroutine = co;
        ExecutionContext? context = co.SavedContext;
        if (!ReferenceEquals(ThreadContext.Get(_thread), context)) ThreadContext.Restore(context);
        _inStep = true;
        if (co.IsCreated) co.Start();
        else
        {
            co.LeaveWait();
            Resumable.Run(co.Continuation!);
        }
        _inStep = false;
        if (co.HasEnded) AfterEnd(co);
    }

    /// <summary>The end of a step in which the coroutine ended: it is recycled if nothing reads it.</summary>
    private void AfterEnd(Coroutine co)
    {
        CurrentCoroutine = null;
        co.TryRecycle();
    }

    /// <summary>
    /// <see cref="StepInline"/> with its own exception handler: the metered rounds' step (they read the clock around
    /// each step anyway).
    /// </summary>
    private void Step(Coroutine co)
    {
        try { StepInline(co); }
        catch (Exception e) when (_inStep) { FailStep(co, e); }
    }

    /// <summary>A step's resumed code threw outside the coroutine's body task (a misbehaving awaiter): it ends failed.</summary>
    private void FailStep(Coroutine co, Exception error)
    {
        _inStep = false;
        co.FailFromStep(error);
        if (co.HasEnded) AfterEnd(co);
    }

    /// <summary>True while <paramref name="co"/> is executing a step (its state reads <see cref="CoroutineState.Running"/>).</summary>
    internal bool IsStepping(Coroutine co) => _inStep && ReferenceEquals(CurrentCoroutine, co);

    /// <summary>Queues a coroutine to run next round. Idempotent: a coroutine already queued is not queued twice.</summary>
    internal void Wake(Coroutine co)
    {
        if (co.Queued) return;
        co.Queued = true;
        _ready.Enqueue(co);
        if (!_draining) SignalWorkAvailable();
    }

    /// <summary><see cref="Wake"/> from inside a drain (by the running coroutine): the host needs no signal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void WakeWhileDraining(Coroutine co)
    {
        if (co.Queued) return;
        co.Queued = true;
        _ready.Enqueue(co);
    }

    internal void OnCoroutineEnded(Coroutine co)
    {
        _liveCount--;
        // Main's end stops the drain at the next round boundary (DESIGN §5 and docs/hosting.md: RunAsyncMain's handle
        // completes, Run returns; coroutines still alive stay suspended). Audit finding A: the drain ran on while
        // anything was ready, so a sibling pausing in a loop kept NativeEventLoop.Run from returning.
        if (ReferenceEquals(co, _main)) _betweenRounds |= MainEndedBit;
        int index = co.LiveIndex;
        if (index >= 0)
        {
            int last = --_liveTableCount;
            if (index != last)
            {
                Coroutine moved = _live[last].Co!;
                _live[index].Co = moved;
                moved.LiveIndex = index;
            }
            _live[last].Co = null;
        }
        if (co.ExtrasOrNull is { } extras)
        {
            while (extras.Joiners.RemoveFirst() is { } joiner)
            {
                extras.PendingJoinWakes++;
                Wake(joiner);
            }
        }
        co.Owner?.OnChildEnded(co);
    }
}
