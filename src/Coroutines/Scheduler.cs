using System;
using System.Runtime.CompilerServices;
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
    /// the due timers. A bit of <see cref="_betweenRounds"/>, so a round costs nothing extra when no timer is pending.
    /// </summary>
    internal bool TimersPending
    {
        get => (_betweenRounds & TimersBit) != 0;
        set => _betweenRounds = value ? (byte)(_betweenRounds | TimersBit) : (byte)(_betweenRounds & ~TimersBit);
    }

    /// <summary>
    /// What a round must look at before it starts, besides posted work: pending timers, and the end of main (the drain
    /// then stops: coroutines still alive when main ends stay suspended). One byte, one test per round for both.
    /// </summary>
    private byte _betweenRounds;
    private const byte TimersBit = 1;
    private const byte MainEndedBit = 2;

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

    /// <summary>The thread this scheduler belongs to.</summary>
    internal Thread Thread => _thread;
}
