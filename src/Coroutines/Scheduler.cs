using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// A cooperative, single-threaded coroutine scheduler bound to the thread that created it. It owns a FIFO ready queue
/// and runs coroutines in rounds: a round resumes exactly the coroutines that were ready when it began, so a coroutine
/// pausing in a loop cannot starve the others. The host drives it with <see cref="RunUntilIdle()"/>, which never spins
/// and never blocks: it returns as soon as nothing is immediately ready, saying why (<see cref="DrainResult"/>).
/// Other threads reach it only through <see cref="Post(Action)"/>; every other member refuses them with
/// <see cref="WrongThreadException"/>.
/// </summary>
public sealed partial class Scheduler
{
    /// <summary>The scheduler draining on this thread (set for the duration of a drain; one thread-static write per drain, not per step).</summary>
    [ThreadStatic] private static Scheduler? t_draining;

    /// <summary>Set on a thread that created a scheduler (its owning thread): CoTask results may be read there.</summary>
    [ThreadStatic] private static bool t_ownsScheduler;

    /// <summary>
    /// The scheduler that most recently began a drain, on any thread: a hint that spares the thread-static read of
    /// <see cref="t_draining"/> on hot paths. Only trusted after <see cref="IsDrainingOnThisThread"/> confirms it.
    /// </summary>
    private static Scheduler? s_lastDrainer;

    /// <summary>The owning thread's stack range (see <see cref="ThreadStack"/>); size 0 when the OS could not tell.</summary>
    private readonly nuint _stackLow, _stackSize;
    /// <summary>Drains of other schedulers running inside this one's drain, on this thread (they are then the current one).</summary>
    private int _nestedDrains;
    /// <summary><see cref="_stackSize"/> while this scheduler drains, else 0: the thread check is then one compare.</summary>
    private nuint _drainStackSize;
    /// <summary>
    /// <see cref="_stackSize"/> while this scheduler drains innermost on its thread (no other scheduler's drain nested in
    /// it), else 0: what <see cref="DrainingHereHint"/> trusts, in one compare.
    /// </summary>
    private nuint _hintStackSize;

    private readonly int _threadId;
    /// <summary>
    /// The owning thread, compared by reference with Thread.CurrentThread when the stack-range check cannot decide
    /// (outside drains): a thread-static read, ~3 ns on Linux, where the stack check costs about nothing.
    /// </summary>
    private readonly Thread _thread;
    private readonly string? _threadName;
    private ReadyQueue _ready = new();
    private readonly Inbox _inbox = new();
    private readonly SchedulerSynchronizationContext _syncContext;
    // Live coroutines that no task group tracks, in a swap-remove table: one write barrier per spawn and per end (a
    // linked list cost three). A group's children are already in their group's array; the open groups are listed in
    // _groups instead (see LiveInSpawnOrder), which saved spawn_wait two write barriers per child.
    private LiveSlot[] _live = new LiveSlot[64];
    private int _liveTableCount;
    private GroupSlot[] _groups = new GroupSlot[8];
    private int _groupCount;
    private int _spawnSequence;
    /// <summary>Every live coroutine, in the table or in an open group.</summary>
    private int _liveCount;
    private Coroutine? _main;
    private int _externalWaits;
    private int _leases;
    private bool _draining;
    /// <summary>Set while a step of the drain loop resumes its coroutine: a fault caught then is that coroutine's.</summary>
    private bool _inStep;
    /// <summary>Steps left in the current round (a step fault interrupts the round; the drain then finishes it).</summary>
    private int _roundLeft;
    private int _workAvailableArmed;
    private IEventLoop? _eventLoop;

    /// <summary>The coroutine running a step right now on this scheduler, or null between steps.</summary>
    internal Coroutine? CurrentCoroutine;

    /// <summary>
    /// Set by the attached event loop (on this thread) while it has a pending timer: each round then starts by firing
    /// the due timers. A plain field, so a round costs nothing extra when no timer is pending.
    /// </summary>
    internal bool TimersPending;

    /// <summary>The host's ExecutionContext during a drain (restored for code that runs outside coroutines).</summary>
    private ExecutionContext? _drainHostContext;

    /// <summary>
    /// Called by the event loop (during a drain, on this thread) before it fires timers: timer callbacks (wakes, the
    /// cancel of a timed-out body and the token callbacks it runs) execute outside any coroutine, in the host's
    /// ExecutionContext, like posted actions.
    /// </summary>
    internal void EnterCallbackContext()
    {
        CurrentCoroutine = null;
        if (!ReferenceEquals(ThreadContext.Get(_thread), _drainHostContext)) ThreadContext.Restore(_drainHostContext);
    }

    /// <summary>Creates a scheduler bound to the calling thread.</summary>
    public Scheduler()
    {
        Thread t = Thread.CurrentThread;
        _thread = t;
        t_ownsScheduler = true;
        _threadId = t.ManagedThreadId;
        _threadName = t.Name;
        (_stackLow, _stackSize) = ThreadStack.OfCurrentThread();
        _syncContext = new SchedulerSynchronizationContext(this);
    }

    /// <summary>
    /// Raised once per idle period, from whichever thread delivers new work (a <see cref="Post(Action)"/>, a foreign
    /// completion, or a wake from the scheduler's own thread between drains): the host should call
    /// <see cref="RunUntilIdle()"/> soon on the scheduler's thread. Handlers must be quick and thread-safe. The work itself
    /// is always queued before the event is raised, so a throwing handler loses nothing:
    /// <list type="bullet">
    /// <item>raised on the scheduler's thread (a host-side wake between drains: <c>TryPut</c>, <c>Signal</c>,
    /// <c>Cancel</c>, a <c>Post</c> from the host), the exception propagates to that call;</item>
    /// <item>raised on any other thread (a <c>Post</c> or <c>InvokeAsync</c> from a worker, a .NET awaitable completing on
    /// the thread pool, <c>Co.RunBlocking</c> work finishing), it never reaches that thread: the scheduler keeps it and the
    /// next <see cref="RunUntilIdle(DrainBudget)"/> throws it after running its work (with the drain's other errors: one
    /// as is, several in an <see cref="AggregateException"/>). The other handlers still run, and the event stays armed
    /// (the host may not have been told): the next delivery raises it again.</item>
    /// </list>
    /// </summary>
    public event Action? WorkAvailable;

    /// <summary>The scheduler of the coroutine running on this thread, or null outside any coroutine.</summary>
    public static Scheduler? Current => CurrentCoroutineOrNull?.Scheduler;

    internal static Coroutine? CurrentCoroutineOrNull
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            // DrainingHere?.CurrentCoroutine, written out: the hint's null test then serves both (every Co call reads this).
            Scheduler? s = s_lastDrainer;
            if (s is not null && ThreadStack.Marker() - s._stackLow < s._hintStackSize) return s.CurrentCoroutine;
            return t_draining?.CurrentCoroutine;
        }
    }

    /// <summary>
    /// The scheduler draining innermost on the calling thread when the cheap check can tell (see
    /// <see cref="s_lastDrainer"/>); null means "not known", not "none".
    /// </summary>
    internal static Scheduler? DrainingHereHint
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            Scheduler? s = s_lastDrainer;
            return s is not null && ThreadStack.Marker() - s._stackLow < s._hintStackSize ? s : null;
        }
    }

    /// <summary>The scheduler draining innermost on the calling thread, or null: the cheap check, then the thread-static.</summary>
    internal static Scheduler? DrainingHere
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => DrainingHereHint ?? t_draining;
    }

    /// <summary>
    /// True while this scheduler drains and the caller runs on its thread, decided from the stack pointer alone. Only
    /// during a drain: a thread's stack range may be reused by a new thread after it exits, but not while it drains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool IsDrainingOnThisThread() => ThreadStack.Marker() - _stackLow < _drainStackSize;

    /// <summary>True when called on the scheduler's own thread.</summary>
    public bool IsOnSchedulerThread => IsDrainingOnThisThread() || ReferenceEquals(Thread.CurrentThread, _thread);

    /// <summary>The event loop attached to this scheduler, or null (scheduler-only mode).</summary>
    public IEventLoop? EventLoop => _eventLoop;

    /// <summary>Number of coroutines that have been spawned and have not ended.</summary>
    public int LiveCoroutines
    {
        get
        {
            CheckThread();
            return _liveCount;
        }
    }

    /// <summary>Attaches an event loop (timers, external waits). Done once, before coroutines use time.</summary>
    public void AttachEventLoop(IEventLoop eventLoop)
    {
        ArgumentNullException.ThrowIfNull(eventLoop);
        CheckThread();
        if (_eventLoop is not null && !ReferenceEquals(_eventLoop, eventLoop))
            throw new InvalidOperationException("This scheduler already has an event loop; a scheduler has at most one.");
        _eventLoop = eventLoop;
    }

    // ----- spawning -----

    /// <summary>
    /// Spawns a top-level coroutine. It starts queued and shielded, so its body always begins (and its finally blocks
    /// run) even if it is cancelled before its first step. Callable on the scheduler's thread, inside or outside coroutines.
    /// </summary>
    public CoroutineHandle Spawn(Func<CoTask> body, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckThread();
        Coroutine<VoidResult> co = SpawnCore<VoidResult>(null, body, name, file, line, member, null, background: false);
        return new CoroutineHandle(co, co.Version);
    }

    /// <summary>Spawns a top-level coroutine that produces a value; see <see cref="Spawn(Func{CoTask}, string?, string?, string?, int)"/>.</summary>
    public CoroutineHandle<T> Spawn<T>(Func<CoTask<T>> body, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckThread();
        Coroutine<T> co = SpawnCore(body, null, name, file, line, member, null, background: false);
        return new CoroutineHandle<T>(co, co.Version);
    }

    /// <summary>
    /// Spawns a top-level coroutine with no handle: its record is recycled as soon as it ends, and its outcome
    /// (including a failure) is not observable. Prefer a task group when failures matter.
    /// </summary>
    public void SpawnBackground(Func<CoTask> body, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckThread();
        SpawnCore<VoidResult>(null, body, name, file, line, member, null, background: true);
    }

    internal Coroutine<T> SpawnCore<T>(Func<CoTask<T>>? body, Func<CoTask>? voidBody, string? name, string? file, int line,
                                       string? member, ICoroutineOwner? owner, bool background)
    {
        Coroutine<T> co = Coroutine<T>.Rent(this, body, voidBody);
        co.Init(this, name, file, line, member, owner, background);
        // Like Task.Run, a child starts in its spawner's ExecutionContext (AsyncLocal values flow to it).
        ExecutionContext? ec = ThreadContext.Get(_thread);
        if (!ReferenceEquals(co.SavedContext, ec)) co.SavedContext = ec;
        if (owner is GroupChildOwner) co.LiveIndex = -1; // its group lists it
        else
        {
            if (_liveTableCount == _live.Length) Array.Resize(ref _live, _live.Length * 2);
            _live[_liveTableCount].Co = co;
            co.LiveIndex = _liveTableCount++;
        }
        if (++_liveCount > _liveHighWater) _liveHighWater = _liveCount;
        co.SpawnSequence = unchecked(++_spawnSequence);
        Wake(co);
        return co;
    }

    /// <summary>
    /// The scheduler-only entry point: spawns <paramref name="main"/>, drains the immediately ready work, and returns a
    /// handle to main (state, result, exception). It never waits for blocked coroutines: call
    /// <see cref="RunUntilIdle()"/> again whenever the host has delivered work (see <see cref="WorkAvailable"/>).
    /// One main at a time: starting the next one (after the previous ended) ends the previous handle's life, as a
    /// group's end does for its children's handles; read the previous outcome before.
    /// </summary>
    public CoroutineHandle RunAsyncMain(Func<CoTask> main, string? name = "main",
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(main);
        CheckThread();
        CheckNoMain();
        Coroutine<VoidResult> co = SpawnCore<VoidResult>(null, main, name, file, line, member, null, background: false);
        _main = co;
        var handle = new CoroutineHandle(co, co.Version);
        RunUntilIdle();
        return handle;
    }

    /// <summary>The scheduler-only entry point for a main that returns a value; see <see cref="RunAsyncMain(Func{CoTask}, string?, string?, string?, int)"/>.</summary>
    public CoroutineHandle<T> RunAsyncMain<T>(Func<CoTask<T>> main, string? name = "main",
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(main);
        CheckThread();
        CheckNoMain();
        Coroutine<T> co = SpawnCore(main, null, name, file, line, member, null, background: false);
        _main = co;
        var handle = new CoroutineHandle<T>(co, co.Version);
        RunUntilIdle();
        return handle;
    }

    private void CheckNoMain()
    {
        if (_main is null) return;
        if (!_main.HasEnded)
            throw new InvalidOperationException("This scheduler already runs a main coroutine; spawn further work with Spawn.");
        // Starting a new main ends the previous main handle's life (as a group's end does for its children's handles):
        // its record goes back to the pool instead of being left to the GC, so a host that starts a main per frame or
        // per request (NativeEventLoop.Run does) allocates nothing in steady state.
        Coroutine previous = _main;
        _main = null;
        previous.JoinConsumed = true;
        previous.TryRecycle();
    }

    // ----- draining -----

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
                if (_inbox.HasItems || TimersPending) BetweenRounds(ref run, ref postErrors);
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
    private void BetweenRounds(ref DrainRun run, ref List<Exception>? postErrors)
    {
        if (_inbox.HasItems)
        {
            CurrentCoroutine = null;
            if (!ReferenceEquals(ThreadContext.Get(_thread), run.HostContext)) ThreadContext.Restore(run.HostContext);
            ProcessInbox(ref postErrors);
        }
        if (TimersPending) _eventLoop!.FireDueTimers();
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
                if (_inbox.HasItems || TimersPending) BetweenRounds(ref run, ref postErrors);
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

    // ----- the inbox: the only thread-safe part -----

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
    internal void PostForeignResume(Coroutine co, int version, object continuation)
    {
        _inbox.Add(new InboxItem { Coroutine = co, Version = version, Continuation = continuation });
        SignalWorkAvailable();
    }

    /// <summary>Counts a foreign await as an external wait: blocked coroutines are then idle, not deadlocked.</summary>
    internal void BeginForeignWait(Coroutine co)
    {
        _externalWaits++;
        co.Site = ForeignWaitSite.Instance;
        co.SaveContext();
    }

    /// <summary>Counts outstanding external work (offloaded jobs) that will post back; used by the event loop.</summary>
    internal void AddExternalWait() => _externalWaits++;

    /// <summary>Ends an external wait counted by <see cref="AddExternalWait"/>.</summary>
    internal void RemoveExternalWait() => _externalWaits--;

    private void SignalWorkAvailable()
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
                    _externalWaits--;
                    if (co.Version != item.Version || co.HasEnded)
                        Resumable.Run(item.Continuation!); // an abandoned frame of a coroutine that has ended: it runs outside any coroutine
                    else if (!co.Waiting) co.ResumeLater(item.Continuation!, co.SavedContext);
                    else RunAs(co, item.Continuation!); // the coroutine has concurrent .NET frames; run this one in place
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

    private void RunAs(Coroutine co, object continuation)
    {
        CurrentCoroutine = co;
        try { Resumable.Run(continuation); }
        finally { CurrentCoroutine = null; }
    }

    private static int s_poolSlots;
    private PoolSlot[] _pools = new PoolSlot[8];

    // Array elements wrapped in structs: storing into (or taking a ref to) an element of an array of a non-sealed class
    // costs a covariance type check.
    private struct PoolSlot
    {
        /// <summary>The free objects of one pooled type, a stack: [0, Count) are free.</summary>
        public PoolEntry[]? Items;
        public int Count;
    }

    private struct PoolEntry
    {
        public object? Item;
    }

    private struct LiveSlot
    {
        public Coroutine? Co;
    }

    private struct GroupSlot
    {
        public TaskGroupCore? Group;
    }

    /// <summary>Lists a group that has live children (from its first child's spawn until it closes).</summary>
    internal void AddOpenGroup(TaskGroupCore group)
    {
        if (_groupCount == _groups.Length) Array.Resize(ref _groups, _groups.Length * 2);
        _groups[_groupCount].Group = group;
        group.OpenIndex = _groupCount++;
    }

    /// <summary>Removes a group whose last child has ended.</summary>
    internal void RemoveOpenGroup(TaskGroupCore group)
    {
        int index = group.OpenIndex, last = --_groupCount;
        if (index != last)
        {
            TaskGroupCore moved = _groups[last].Group!;
            _groups[index].Group = moved;
            moved.OpenIndex = index;
        }
        _groups[last].Group = null;
        group.OpenIndex = -1;
    }

    /// <summary>Reserves a slot in every scheduler's pool table for one pooled record type.</summary>
    internal static int AllocatePoolSlot() => Interlocked.Increment(ref s_poolSlots) - 1;

    /// <summary>
    /// Takes a free object of the type owning <paramref name="slot"/> from this scheduler's pool, or null. The pools are
    /// array stacks, not linked free lists: a take stores only a constant null and a return one reference, where a list
    /// cost three GC write barriers per object and cycle (and a link field in every pooled object).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal object? PoolTake(int slot)
    {
        if ((uint)slot >= (uint)_pools.Length) return null;
        ref PoolSlot pool = ref _pools[slot];
        int n = pool.Count - 1;
        if (n < 0) return null;
        ref PoolEntry entry = ref pool.Items![n];
        object? item = entry.Item;
        entry.Item = null;
        pool.Count = n;
        return item;
    }

    /// <summary>Returns a free object of the type owning <paramref name="slot"/> to this scheduler's pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void PoolReturn(int slot, object item)
    {
        if ((uint)slot < (uint)_pools.Length)
        {
            ref PoolSlot pool = ref _pools[slot];
            PoolEntry[]? items = pool.Items;
            if (items is not null && pool.Count < items.Length)
            {
                items[pool.Count++].Item = item;
                return;
            }
        }
        PoolReturnSlow(slot, item);
    }

    private void PoolReturnSlow(int slot, object item)
    {
        if ((uint)slot >= (uint)_pools.Length) Array.Resize(ref _pools, Math.Max(slot + 1, _pools.Length * 2));
        ref PoolSlot pool = ref _pools[slot];
        if (pool.Items is null) pool.Items = new PoolEntry[16];
        else if (pool.Count == pool.Items.Length) Array.Resize(ref pool.Items, pool.Items.Length * 2);
        pool.Items[pool.Count++].Item = item;
    }

    /// <summary>The thread this scheduler belongs to.</summary>
    internal Thread Thread => _thread;

    // ----- external feeders -----

    /// <summary>
    /// Declares that something outside the coroutines (a host, another thread) will deliver work later, e.g. by posting
    /// items into a queue. While any lease is open, coroutines blocked on primitives are <see cref="DrainStatus.Idle"/>,
    /// not <see cref="DrainStatus.Deadlock"/>. Dispose the lease (on the scheduler's thread, or it is posted) when done.
    /// </summary>
    public IDisposable AcquireFeederLease()
    {
        CheckThread();
        _leases++;
        return new FeederLease(this);
    }

    private sealed class FeederLease(Scheduler scheduler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            if (scheduler.IsOnSchedulerThread && !scheduler._draining) ReleaseNow();
            else if (scheduler.IsOnSchedulerThread) scheduler._leases--;
            else scheduler.Post(() => scheduler._leases--);

            void ReleaseNow()
            {
                scheduler._leases--;
                // Releasing the last lease may turn an idle scheduler into a deadlocked one: let the host re-check.
                scheduler.SignalWorkAvailable();
            }
        }
    }

    // ----- diagnostics -----

    private DeadlockReport BuildDeadlockReport()
    {
        List<Coroutine> live = LiveInSpawnOrder();
        var list = new List<BlockedCoroutine>(live.Count);
        foreach (Coroutine co in live) list.Add(Describe(co));
        return new DeadlockReport(list);
    }

    /// <summary>The live coroutines in spawn order (diagnostics only: allocates and sorts).</summary>
    internal List<Coroutine> LiveInSpawnOrder()
    {
        var list = new List<Coroutine>(_liveCount);
        for (int i = 0; i < _liveTableCount; i++) list.Add(_live[i].Co!);
        for (int i = 0; i < _groupCount; i++) _groups[i].Group!.AddLiveChildren(list);
        list.Sort(static (a, b) => unchecked(a.SpawnSequence - b.SpawnSequence)); // by difference: right across a wrap
        return list;
    }

    private static BlockedCoroutine Describe(Coroutine co) =>
        new(co.Name ?? "unnamed",
            $"{System.IO.Path.GetFileName(co.SpawnFile) ?? "?"}:{co.SpawnLine}" + (co.SpawnMember is null ? "" : $" in {co.SpawnMember}"),
            co.State,
            co.Site?.Describe() ?? (co.Queued ? "nothing (ready)" : "an unfinished CoTask"));

    // ----- thread affinity -----

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

/// <summary>The site of a coroutine suspended on a .NET awaitable: it cannot be abandoned; it resumes when the operation completes.</summary>
internal sealed class ForeignWaitSite : IWaitSite
{
    internal static readonly ForeignWaitSite Instance = new();

    public bool TryCancelWait(Coroutine waiter) => false;

    public string Describe() => "a .NET awaitable (Task/ValueTask); it resumes through the inbox";
}
