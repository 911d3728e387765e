using System;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// The record of one spawned coroutine: its state, flags, links and result. Records are pooled; a
/// <see cref="CoroutineHandle{T}"/> holds a record plus the <see cref="Version"/> it was issued for, so a handle that
/// outlives its record's recycling is detected instead of reading another coroutine's state.
/// </summary>
internal abstract class Coroutine : IWaitSite
{
    internal Scheduler Scheduler = null!;
    internal int Version;
    /// <summary>
    /// The state as reported: <see cref="CoroutineState.Running"/> is not stored (a step would write it twice) but
    /// derived: a started coroutine is running while its scheduler is stepping it, and suspended otherwise.
    /// </summary>
    internal CoroutineState State
    {
        get
        {
            var state = (CoroutineState)_state;
            return state == CoroutineState.Suspended && Scheduler.IsStepping(this) ? CoroutineState.Running : state;
        }
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set => _state = (byte)value;
    }

    /// <summary>Spawned, its body not started yet.</summary>
    internal bool IsCreated
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _state == (byte)CoroutineState.Created;
    }

    // A byte, and the shield depth below a ushort: with the flags they fit in the record's last 8-byte slot (8 B less
    // per coroutine; the record is most of a parked coroutine's memory). Never Running (see State): Created, then
    // Suspended from the first step until it ends.
    private byte _state;
    internal bool Cancelled;
    /// <summary>Shield depth: 1 from spawn until the body starts, plus one per active ProtectFromCancel.</summary>
    internal ushort ShieldDepth;
    internal bool Queued;
    /// <summary>
    /// What to run when the scheduler resumes this coroutine: the parked frame's state-machine box (a <see cref="Resumable"/>)
    /// or an Action. Not cleared on resume: a loop parks the same box again, and skipping the rewrite skips a GC write barrier.
    /// </summary>
    internal object? Continuation;
    /// <summary>True from <see cref="Park"/> (or <see cref="ResumeLater"/>) until the scheduler resumes the coroutine.</summary>
    internal bool Waiting;
    /// <summary>The ExecutionContext (null = default) to restore when the next step begins; saved when a step ends.</summary>
    internal System.Threading.ExecutionContext? SavedContext;
    /// <summary>What it waits on while suspended: asked to drop the waiter on cancel, named in reports.</summary>
    internal IWaitSite? Site
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _siteActive ? _site : null;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set
        {
            // Leaving a site clears a flag, not the reference: a loop that waits on the same primitive again then skips
            // the reference write and its GC write barrier. The stale reference only keeps that primitive reachable.
            if (value is null) _siteActive = false;
            else
            {
                if (!ReferenceEquals(_site, value)) _site = value;
                _siteActive = true;
            }
        }
    }

    private IWaitSite? _site;
    private bool _siteActive;
    /// <summary>Set when a cancel removed it from its site; the primitive's GetResult then throws.</summary>
    internal bool WokenByCancel;
    /// <summary>Set by <see cref="Park"/>, cleared by <see cref="EndWait"/>: tells an awaiter whether it really suspended.</summary>
    internal bool Parked;

    /// <summary>The name given at spawn, if any (most coroutines have none: it lives in the extras).</summary>
    internal string? Name
    {
        get => _extras?.Name;
        set
        {
            if (value is not null) Extras.Name = value;
            else if (_extras is not null) _extras.Name = null;
        }
    }
    internal string? SpawnFile;
    internal int SpawnLine;
    internal string? SpawnMember;

    /// <summary>The failure (or cancellation) the coroutine ended with; null while running or after success.</summary>
    internal ExceptionDispatchInfo? Error
    {
        get => _extras?.Error;
        set
        {
            if (value is not null) Extras.Error = value;
            else if (_extras is not null) _extras.Error = null;
        }
    }

    /// <summary>The rarely used part of the record, created on first use (see <see cref="CoroutineExtras"/>).</summary>
    private CoroutineExtras? _extras;

    /// <summary>The extras, created if needed (a join, a failure, a token request).</summary>
    internal CoroutineExtras Extras => _extras ??= new CoroutineExtras();

    /// <summary>The extras if any were ever needed, else null (readers that find nothing there need nothing).</summary>
    internal CoroutineExtras? ExtrasOrNull => _extras;

    /// <summary>Set when a Wait() has read the outcome: the record may then be recycled.</summary>
    internal bool JoinConsumed;
    /// <summary>No handle was issued: recycle as soon as it ends.</summary>
    internal bool Background;
    /// <summary>The group (or other owner) told when this coroutine ends; null for top-level coroutines.</summary>
    internal ICoroutineOwner? Owner;

    /// <summary>Index in the scheduler's live-coroutine table (swap-removed on end); -1 for a task group's children
    /// (their group lists them).</summary>
    internal int LiveIndex;
    /// <summary>
    /// Spawn order, for reports. An int, not a long (8 B less per record, with the layout's padding): it wraps after 2^31
    /// spawns, and reports compare by difference, which orders correctly any coroutines spawned less than 2^31 apart.
    /// </summary>
    internal int SpawnSequence;
    /// <summary>The slot in the <see cref="WaitList"/> it waits in, while <see cref="InWaitList"/>; see also <see cref="HandOffTag"/>.</summary>
    internal int WaitIndex;
    internal bool InWaitList;


    /// <summary>
    /// What a primitive handed this coroutine with its wake, read when it resumes: a <see cref="CoMutex"/>, the holding it
    /// was given; a <see cref="T:CoSched.CoTimer"/>, 1 if a firing released it and 0 if a cancel did. Kept in
    /// <see cref="WaitIndex"/>, unused from the moment the primitive takes the coroutine off its list until its next wait:
    /// no field of its own in every record. A value kept on the primitive instead would be overtaken by a later release
    /// (an unlock, a firing) before the waiter runs.
    /// </summary>
    internal int HandOffTag
    {
        get => WaitIndex;
        set => WaitIndex = value;
    }

    internal bool HasEnded
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _state >= (byte)CoroutineState.Done;
    }

    /// <summary>The first step: drops the spawn shield and runs the body up to its first suspension.</summary>
    internal void Start()
    {
        _state = (byte)CoroutineState.Suspended; // reads as Running while the step lasts (see State)
        DropSpawnShield();
        StartBody();
    }

    /// <summary>A later step begins: the coroutine leaves whatever it waited on (the site keeps its reference, see Site).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void LeaveWait()
    {
        Waiting = false;
        _siteActive = false;
    }

    internal bool IsShielded => ShieldDepth > 0;

    /// <summary>Invokes the body and hooks its completion. Runs inside the coroutine's first step.</summary>
    internal abstract void StartBody();

    /// <summary>Called (by <see cref="CoTaskSource{T}"/>) when the body's task completes: records the outcome and ends.</summary>
    internal abstract void OnBodyCompleted(object source, int token);

    /// <summary>
    /// Keeps the completed body task (<paramref name="source"/>, <paramref name="token"/>) and returns the delegate that
    /// ends the coroutine with it: used only when the body's task completes outside this coroutine's own step and the
    /// end must be queued (records carry neither the task nor a delegate otherwise; both live in the extras).
    /// </summary>
    internal abstract Action DeferBodyCompletion(object source, int token);

    /// <summary>Clears the result and returns the record to its pool.</summary>
    protected abstract void ReturnToPool();

    internal void Init(Scheduler scheduler, string? name, string? file, int line, string? member, ICoroutineOwner? owner, bool background)
    {
        // Records are reused, usually by the same spawn site: writing only what changed skips GC write barriers, which
        // were the largest single cost of a spawn (these fields are deliberately not cleared on recycle).
        if (!ReferenceEquals(Scheduler, scheduler)) Scheduler = scheduler;
        if (!ReferenceEquals(_extras?.Name, name)) Name = name;
        if (!ReferenceEquals(SpawnFile, file)) SpawnFile = file;
        SpawnLine = line;
        if (!ReferenceEquals(SpawnMember, member)) SpawnMember = member;
        if (!ReferenceEquals(Owner, owner)) Owner = owner;
        Background = background;
        State = CoroutineState.Created;
        ShieldDepth = 1; // the spawn shield: the body always starts, so its finally blocks run
    }

    /// <summary>Throws <see cref="CancelledException"/> if a cancel should be delivered at this suspension point.</summary>
    internal void ThrowIfCancelled()
    {
        if (Cancelled && ShieldDepth == 0) ThrowCancelled();
    }

    internal static void ThrowCancelled() => throw new CancelledException();

    /// <summary>
    /// Refuses to park this coroutine, or to end its wait, unless it is the coroutine running now, on its scheduler's
    /// thread. Awaitables capture their coroutine when they are created (<c>Co.Pause()</c>, <c>handle.Wait()</c>, ...):
    /// one carried to another thread or another coroutine and awaited there must neither park this coroutine nor touch
    /// the scheduler from two threads. Four loads and two compares on the hot path; the verdict is in
    /// <see cref="Scheduler.RefuseCarriedAwait"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CheckAwaitedHere()
    {
        Scheduler s = Scheduler;
        if (!ReferenceEquals(s.CurrentCoroutine, this) || !s.IsDrainingOnThisThread()) s.RefuseCarriedAwait(this);
    }

    /// <summary>
    /// The refusals of a park (<see cref="CheckAwaitedHere"/>, then "already waiting"), made by an awaiter's
    /// <c>IsCompleted</c> before it answers false. A throw there is an ordinary exception at the await: the awaiting
    /// method's <c>finally</c> blocks and <c>using</c> scopes run (a held lock is released). The same throw from
    /// <c>OnCompleted</c> would skip them: the compiler-generated method has already marked itself suspended, so its
    /// <c>finally</c> blocks stand down. The parks keep their own checks for awaiters driven by hand.
    /// An await that could complete at once (a free permit, a buffered item, an ended join) is refused too while the
    /// coroutine waits: its result would read the wait state of the frame that is parked (reliability bug 13: a stray
    /// frame's condition wait then returned without a signal, and a join's bookkeeping went negative), and whether the
    /// misuse is reported must not depend on what happens to be ready.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CheckCanPark()
    {
        CheckAwaitedHere();
        if (Waiting) ThrowAlreadyWaiting();
    }

    /// <summary><see cref="CheckCanPark"/> for a caller that has just looked this coroutine up as the current one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CheckCanParkVerified()
    {
        if (Waiting) ThrowAlreadyWaiting();
    }

    /// <summary>
    /// The refusal of an await that completes at once (an ended join, a settled lazy value or timer, no frames left):
    /// refused only while the coroutine already waits (see <see cref="CheckCanPark"/>), so the common path is one byte
    /// test; <see cref="CheckCanPark"/> then throws, naming a carried awaitable if it is one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CheckCanCompleteAtOnce()
    {
        if (Waiting) CheckCanPark();
    }

    /// <summary><see cref="CheckCanPark"/> for a join of <paramref name="target"/>, which must be another coroutine.</summary>
    internal void CheckCanJoin(Coroutine target)
    {
        CheckCanPark();
        if (ReferenceEquals(target, this)) ThrowSelfJoin();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ThrowSelfJoin() =>
        throw new InvalidOperationException("A coroutine cannot wait for itself to end: it would never resume. Wait for it " +
                                            "from another coroutine (or the host), or return from its body instead.");

    /// <summary>
    /// Records the continuation of a wait on <paramref name="site"/>; the site wakes it with <see cref="Scheduler.Wake"/>.
    /// Checks first that this coroutine is the one awaiting (see <see cref="CheckAwaitedHere"/>).
    /// </summary>
    internal void Park(object continuation, IWaitSite? site)
    {
        CheckAwaitedHere();
        ParkVerified(continuation, site);
    }

    /// <summary>
    /// <see cref="Park"/> for a caller that has just looked this coroutine up as the current one on the scheduler's thread
    /// (<see cref="Scheduler.CurrentForAwait"/>: the condition and the semaphore, whose awaitables keep no coroutine).
    /// </summary>
    internal void ParkVerified(object continuation, IWaitSite? site)
    {
        if (Waiting) ThrowAlreadyWaiting();
        Waiting = true;
        if (!ReferenceEquals(Continuation, continuation)) Continuation = continuation;
        SaveContext();
        Site = site;
        WokenByCancel = false;
        Parked = true;
    }

    /// <summary>
    /// Parks this coroutine on a CoTask run by another coroutine (<paramref name="task"/> holds the continuation and
    /// resumes it through <see cref="ResumeLater"/>): the wait gets a site, so a cancel can withdraw it.
    /// </summary>
    internal void ParkOnTask(object continuation, IWaitSite task)
    {
        Waiting = true;
        if (!ReferenceEquals(Continuation, continuation)) Continuation = continuation;
        SaveContext();
        Site = task;
        WokenByCancel = false;
    }

    /// <summary>
    /// <see cref="Park"/> for a pause: no wait site (a paused coroutine is queued, so a cancel has nothing to remove) and
    /// no hand-off outcome to record (the pause's GetResult only checks for a cancel). The caller has made the checks
    /// of <see cref="CheckCanPark"/>: the pause's IsCompleted for the CoTask builder, its OnCompleted otherwise.
    /// </summary>
    internal void ParkForPauseVerified(object continuation)
    {
        Waiting = true;
        _siteActive = false;
        if (!ReferenceEquals(Continuation, continuation)) Continuation = continuation;
        SaveContext();
        Scheduler.WakeWhileDraining(this); // a coroutine only runs inside a drain
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowAlreadyWaiting() =>
        throw new InvalidOperationException("This coroutine is already waiting on something else: usually a CoTask method " +
                                            "that was called and suspended but not awaited. A coroutine waits on one thing " +
                                            "at a time: await each CoTask where it is called, or use Spawn (or a task group) " +
                                            "for concurrent work.");

    /// <summary>
    /// Called by a primitive's GetResult: whether the await completed at once, was signalled by the primitive, or was
    /// abandoned by a cancel (then the primitive throws <see cref="CancelledException"/>).
    /// </summary>
    internal WaitOutcome EndWait()
    {
        CheckAwaitedHere();
        return EndWaitVerified();
    }

    /// <summary><see cref="EndWait"/> for a caller that has just looked this coroutine up (see <see cref="ParkVerified"/>).</summary>
    internal WaitOutcome EndWaitVerified()
    {
        if (!Parked) return WaitOutcome.Immediate;
        Parked = false;
        if (!WokenByCancel) return WaitOutcome.Signaled;
        WokenByCancel = false;
        return WaitOutcome.Cancelled;
    }

    /// <summary>
    /// Remembers the innermost suspended frame's ExecutionContext; the scheduler restores it when the next step begins.
    /// Taken at the suspension point itself, before enclosing CoTask builders restore their callers' context.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SaveContext()
    {
        System.Threading.ExecutionContext? ec = ThreadContext.Get(Scheduler.Thread);
        if (!ReferenceEquals(ec, SavedContext)) SavedContext = ec;
    }

    /// <summary>Resumes a coroutine that awaited a CoTask completed by another coroutine (or a foreign operation).</summary>
    internal void ResumeLater(object continuation, System.Threading.ExecutionContext? context)
    {
        SavedContext = context;
        Continuation = continuation;
        Waiting = true;
        Site = null;
        Scheduler.Wake(this);
    }

    /// <summary>Whether a stray frame of this coroutine is being unwound (<see cref="StrayFrameUnwind"/>): its waits are not abandoned.</summary>
    internal bool IsUnwindingStrayFrame => _extras?.StrayFrame is { IsUnwinding: true };

    /// <summary>
    /// Cancels this coroutine for <see cref="StrayFrameUnwind"/>, from inside its own step (where <see cref="MarkCancelled"/>
    /// leaves a wait alone): the stray frame's wait is abandoned, so it resumes with <see cref="CancelledException"/>
    /// (a paused frame is queued already, and its pause throws as it resumes).
    /// </summary>
    internal void CancelStrayFrame()
    {
        bool tokenLeft = MarkCancelled();
        if (ShieldDepth == 0 && Site is { } site && site.TryCancelWait(this))
        {
            Site = null;
            WokenByCancel = true;
            Scheduler.Wake(this);
        }
        if (tokenLeft) CancelToken();
    }

    /// <summary>Sets the sticky cancel flag and, unless shielded, delivers it (wakes the wait, cancels the token).</summary>
    internal void Cancel()
    {
        if (MarkCancelled()) CancelToken();
    }

    /// <summary>
    /// The bookkeeping half of <see cref="Cancel"/>: sets the flag and, unless shielded, takes the coroutine off its wait
    /// and wakes it. Returns true when a token is left to cancel (<see cref="CancelToken"/>): a group marks and wakes
    /// every child before it runs any token callback.
    /// </summary>
    internal bool MarkCancelled()
    {
        if (HasEnded || Cancelled) return false;
        Cancelled = true;
        if (ShieldDepth != 0) return false;
        try
        {
            if (_state == (byte)CoroutineState.Suspended && !Queued && !Scheduler.IsStepping(this) && Site is { } site &&
                site.TryCancelWait(this))
            {
                Site = null;
                WokenByCancel = true;
                Scheduler.Wake(this);
            }
        }
        catch (Exception e)
        {
            // User code threw (a WorkAvailable handler raised by the wake, an offloaded job's token callbacks): the
            // cancel goes on; the scheduler throws it from handle.Cancel() or at the end of the drain.
            Scheduler.KeepCancelError(e);
        }
        return _extras?.Cts is not null;
    }

    /// <summary>
    /// Cancels the token of a delivered cancel. Its callbacks are user code: what they throw (an AggregateException, as
    /// from CancellationTokenSource.Cancel) is kept by the scheduler, never thrown through a cancel's bookkeeping.
    /// </summary>
    internal void CancelToken()
    {
        try { _extras?.Cts?.Cancel(); }
        catch (Exception e) { Scheduler.KeepCancelError(e); }
    }

    /// <summary>Whether a delivered cancel has yet to cancel the token (a group's second pass, after marking every child).</summary>
    internal bool TokenCancelPending => _extras?.Cts is { IsCancellationRequested: false } && Cancelled && ShieldDepth == 0;

    internal void EnterShield()
    {
        if (ShieldDepth == ushort.MaxValue)
            throw new InvalidOperationException("Co.ProtectFromCancel is nested more than 65,534 deep in one coroutine.");
        ShieldDepth++;
    }

    internal void ExitShield()
    {
        if (--ShieldDepth == 0 && Cancelled && _extras?.Cts is not null) CancelToken();
    }

    /// <summary>Drops the spawn shield as the body starts.</summary>
    internal void DropSpawnShield() => ExitShield();

    /// <summary>The token .NET IO inside the coroutine can observe; cancelled when the cancel is delivered.</summary>
    internal CancellationToken Token
    {
        get
        {
            CoroutineExtras extras = Extras;
            if (extras.Cts is null)
            {
                extras.Cts = new CancellationTokenSource();
                if (Cancelled && ShieldDepth == 0) extras.Cts.Cancel();
            }
            return extras.Cts.Token;
        }
    }

    /// <summary>Called when the body's task completes: records the outcome and tells the scheduler.</summary>
    protected void End(Exception? error)
    {
        if (Waiting)
        {
            // A CoTask method called without await is still suspended (it parked this coroutine): unwind it first, so
            // its finally blocks run; the coroutine ends when it has (see StrayFrameUnwind).
            if (StrayFrameUnwind.TryBegin(this, error)) return;
            // Last resort (not expected: FailFromStep resets an unwind first): leave the wait site, so no primitive
            // hands the abandoned frame a value, permit or signal that would be lost.
            _extras!.StrayFrame!.Reset();
            Site?.TryCancelWait(this);
            Site = null;
            Waiting = false;
        }
        EndAfterUnwind(error);
    }

    /// <summary>Records the outcome and tells the scheduler (directly, or once a stray frame has unwound).</summary>
    internal void EndAfterUnwind(Exception? error)
    {
        if (error is null) State = CoroutineState.Done;
        else
        {
            State = error is OperationCanceledException && Cancelled ? CoroutineState.Cancelled : CoroutineState.Failed;
            Error = ExceptionDispatchInfo.Capture(error);
        }
        Scheduler.OnCoroutineEnded(this);
    }

    /// <summary>Ends a coroutine whose step threw outside its body task (a misbehaving custom awaiter).</summary>
    internal void FailFromStep(Exception error)
    {
        if (HasEnded) return;
        _extras?.StrayFrame?.Reset(); // a step of an unwind faulted: that unwind is over (End may start another)
        End(error);
    }

    /// <summary>Recycles the record once nothing can read it any more.</summary>
    internal void TryRecycle()
    {
        if (!HasEnded || Queued || ReferenceEquals(Scheduler.CurrentCoroutine, this) || _extras is { PendingJoinWakes: not 0 } or { Joiners.Count: not 0 } || !(Background || JoinConsumed)) return;
        unchecked { Version++; }
        Cancelled = false;
        ShieldDepth = 0;
        Queued = false;
        // Continuation is kept: records and their body's state-machine box come off their pools in pairs, so the
        // next park usually stores the same box and skips the write (and its GC write barrier). Only Waiting makes it live.
        // A delegate (from a .NET frame or a deferred end) is dropped: it may hold user state.
        if (Continuation is Action) Continuation = null;
        Waiting = false;
        Site = null;
        _site = null; // a pooled record keeps no primitive reachable
        WokenByCancel = false;
        Parked = false;
        Error = null;
        JoinConsumed = false;
        Background = false;
        if (_extras?.Cts is { } cts && !cts.TryReset()) _extras.Cts = null;
        ReturnToPool();
    }

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        if (!waiter.InWaitList) return false;
        _extras!.Joiners.Remove(waiter); // a waiter in the list means the extras exist
        return true;
    }

    string IWaitSite.Describe() => $"joining coroutine {Describe()}";

    /// <summary>"'name' (spawned at file:line in member)".</summary>
    internal string Describe() =>
        $"'{Name ?? "unnamed"}' (spawned at {System.IO.Path.GetFileName(SpawnFile) ?? "?"}:{SpawnLine}" +
        (SpawnMember is null ? ")" : $" in {SpawnMember})");
}

/// <summary>How a primitive wait ended; see <see cref="Coroutine.EndWait"/>.</summary>
internal enum WaitOutcome
{
    /// <summary>The await completed without suspending.</summary>
    Immediate,
    /// <summary>The primitive handed the waiter its value, permit or signal.</summary>
    Signaled,
    /// <summary>A cancel removed the waiter before any hand-off.</summary>
    Cancelled,
}

/// <summary>Told when an owned coroutine ends (task groups implement this).</summary>
internal interface ICoroutineOwner
{
    void OnChildEnded(Coroutine child);

    /// <summary>The coroutine the owned one belongs to in <see cref="Scheduler.DescribeCoroutines"/> (null: a root).</summary>
    Coroutine? Parent { get; }
}
