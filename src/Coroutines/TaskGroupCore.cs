using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;

namespace CoSched;

/// <summary>
/// The record behind a <see cref="TaskGroup"/> / <see cref="TaskGroup{T}"/>: children, state, first failure, defers.
/// Pooled (see <see cref="TaskGroupCore{T}"/>): public handles hold the record plus the <see cref="Version"/> they were
/// issued for, so a handle kept after its group ended throws instead of reaching into a newer group.
/// </summary>
/// <remarks>
/// Lifecycle: <c>Running</c> until every waited-for child has ended (then <c>Done</c>: the remaining no-wait children are
/// cancelled) or until the first counted failure, a cancel of the caller, or ReturnImmediately. When the last child has
/// ended the group is <em>closed</em> (no more spawns), the caller resumes, runs the defers LIFO, recycles the ended
/// children's records and returns this record to its pool.
/// </remarks>
internal abstract class TaskGroupCore : IWaitSite
{
    private enum GroupState : byte { Running, Done, Failed }

    /// <summary>One spawned child: the record and the incarnation it had when spawned (records are pooled).</summary>
    private struct Child
    {
        internal Coroutine Co;
        internal int Version;
    }

    /// <summary>A defer: exactly one of the two is set.</summary>
    private struct Defer
    {
        internal Func<CoTask>? Async;
        internal Action? Sync;
    }

    internal int Version;
    internal Scheduler Scheduler = null!;
    /// <summary>The coroutine that called WithTaskGroup: it waits for the children and is their parent in diagnostics.</summary>
    internal Coroutine Caller = null!;
    internal string? Name;

    private GroupState _state;
    private ExceptionDispatchInfo? _error;
    /// <summary>The recorded failure is only the caller's cancellation: a real child failure may still replace it.</summary>
    private bool _errorIsCancel;
    private bool _closed;
    private int _live;
    private int _waitedFor;
    /// <summary>The caller while it is parked on this group (it is woken when the last child ends).</summary>
    private Coroutine? _waiter;

    // Children, including ended ones whose records are not recycled yet. Entries whose record was recycled (background
    // children, joined children) go stale and are dropped when the array fills, so a long-lived group that spawns
    // background children stays bounded by its live children.
    private Child[] _children = new Child[4];
    private int _childCount;
    /// <summary>Children spawned with a handle: only they can outlive their end (until a Wait or this group's end).</summary>
    private int _withHandles;
    private bool _iterating;

    private Defer[] _defers = Array.Empty<Defer>();
    private int _deferCount;

    // One owner object per (noWait, allowFailure) combination plus the body's: the child record's Owner says which
    // flags it was spawned with, so no per-child storage is needed. Created once per pooled record.
    private readonly GroupChildOwner[] _owners;
    private readonly GroupChildOwner _bodyOwner;

    protected TaskGroupCore()
    {
        _owners = new GroupChildOwner[4];
        for (int i = 0; i < 4; i++) _owners[i] = new GroupChildOwner(this, noWait: (i & 1) != 0, allowFailure: (i & 2) != 0, isBody: false);
        _bodyOwner = new GroupChildOwner(this, noWait: false, allowFailure: false, isBody: true);
    }

    /// <summary>True when the group no longer runs normally (failed, done, returned early or its caller cancelled).</summary>
    internal bool IsCancelling => _state != GroupState.Running;

    internal int LiveChildren => _live;

    /// <summary>This group's slot in its scheduler's list of open groups while it has live children, else -1.</summary>
    internal int OpenIndex = -1;

    /// <summary>Adds the children that have not ended (diagnostics: their records are not in the scheduler's table).</summary>
    internal void AddLiveChildren(List<Coroutine> list)
    {
        for (int i = 0; i < _childCount; i++)
        {
            Child c = _children[i];
            if (c.Co.Version == c.Version && !c.Co.HasEnded) list.Add(c.Co);
        }
    }

    /// <summary>Entries in the children array (live, ended-unconsumed, and stale ones not yet compacted away). For tests.</summary>
    internal int TrackedChildren => _childCount;

    /// <summary>Binds a fresh or recycled record to its caller (whose scheduler pools it).</summary>
    protected void Init(Coroutine caller, string? name)
    {
        Scheduler = caller.Scheduler;
        Caller = caller;
        Name = name;
        _state = GroupState.Running;
    }

    /// <summary>
    /// Spawns the body as the first waited-for child. Background: no handle exists, and its result is taken in
    /// <see cref="OnBodyDone"/>, before the record is recycled.
    /// </summary>
    protected void SpawnBody<T>(Func<CoTask<T>>? body, Func<CoTask>? voidBody, string? file, int line, string? member) =>
        Added(Scheduler.SpawnCore(body, voidBody, Name, file, line, member, _bodyOwner, background: true), noWait: false);

    /// <summary>
    /// Spawns a child. Throws if the group is closed; starts it cancelled if the group is cancelling. The public handles
    /// have checked the thread and the group's version.
    /// </summary>
    internal Coroutine<T> Spawn<T>(Func<CoTask<T>>? body, Func<CoTask>? voidBody, bool noWait, bool allowFailure,
                                   bool background, string? name, string? file, int line, string? member)
    {
        if (_closed)
            throw new InvalidOperationException("This task group has ended (all its children have ended; it may be running " +
                                                "its defers): it accepts no new children. Spawn in a group that is still " +
                                                "running, or open a new one with Co.WithTaskGroup.");
        Coroutine<T> co = Scheduler.SpawnCore(body, voidBody, name, file, line, member,
                                              _owners[(noWait ? 1 : 0) | (allowFailure ? 2 : 0)], background);
        Added(co, noWait);
        if (!background) _withHandles++;
        // Spawning while the group is cancelling is allowed: the child starts cancelled. Its spawn shield still lets its
        // body start (so its finally blocks run); its first suspension throws.
        if (_state != GroupState.Running) co.Cancel();
        return co;
    }

    private void Added(Coroutine co, bool noWait)
    {
        if (_live++ == 0) Scheduler.AddOpenGroup(this); // the scheduler finds this group's children through it
        if (!noWait) _waitedFor++;
        if (_childCount == _children.Length) MakeRoom();
        ref Child c = ref _children[_childCount++];
        c.Co = co;
        c.Version = co.Version;
    }

    private void MakeRoom()
    {
        if (!_iterating)
        {
            int kept = 0;
            for (int i = 0; i < _childCount; i++)
            {
                Child c = _children[i];
                if (c.Co.Version == c.Version) _children[kept++] = c;
            }
            Array.Clear(_children, kept, _childCount - kept);
            _childCount = kept;
            if (kept <= _children.Length / 2) return; // enough room: compaction pays for itself
        }
        Array.Resize(ref _children, _children.Length * 2);
    }

    /// <summary>Called by <see cref="GroupChildOwner"/> when a child ends (inside the child's last step, before recycling).</summary>
    internal void OnChildEnded(Coroutine child, bool noWait, bool allowFailure, bool isBody)
    {
        _live--;
        if (!noWait) _waitedFor--;
        if (isBody && child.State == CoroutineState.Done) OnBodyDone(child);
        // A child that ended by cancellation while being cancelled is in state Cancelled, not Failed (Coroutine.End).
        if (child.State == CoroutineState.Failed && !allowFailure) RecordFailure(child.Error!, isCancel: false);
        if (_waitedFor == 0 && _state == GroupState.Running)
        {
            _state = GroupState.Done;
            // The remaining live children are no-wait ones; with none left, skip the scan over every ended child.
            if (_live > 0) CancelAll();
        }
        if (_live == 0)
        {
            _closed = true;
            Scheduler.RemoveOpenGroup(this);
            if (_waiter is { } w)
            {
                _waiter = null;
                Scheduler.Wake(w);
            }
        }
    }

    /// <summary>Stores the body's result (typed groups) unless ReturnImmediately set one first.</summary>
    protected abstract void OnBodyDone(Coroutine body);

    /// <summary>
    /// Keeps the first failure: a later failure replaces only a success (Done) or the caller's cancellation. The first
    /// failure while running cancels every child.
    /// </summary>
    private void RecordFailure(ExceptionDispatchInfo error, bool isCancel)
    {
        if (_state == GroupState.Failed && (isCancel || !_errorIsCancel)) return;
        bool wasRunning = _state == GroupState.Running;
        _state = GroupState.Failed;
        _error = error;
        _errorIsCancel = isCancel;
        if (wasRunning) CancelAll();
    }

    /// <summary>The caller was cancelled while waiting: cancel the children; the caller keeps waiting (shielded).</summary>
    internal void OnCallerCancelled()
    {
        if (_state == GroupState.Running) RecordFailure(ExceptionDispatchInfo.Capture(new CancelledException()), isCancel: true);
    }

    /// <summary>
    /// Ends the group (Done, unless a child already failed) and cancels every child; the typed record has set the result
    /// if unset. See <see cref="TaskGroup.ReturnImmediately"/>.
    /// </summary>
    internal void ReturnImmediately()
    {
        if (_state == GroupState.Running)
        {
            _state = GroupState.Done;
            CancelAll();
        }
        // A child calling this has just been cancelled: stop it here rather than let it run on to its next suspension.
        Scheduler.CurrentCoroutineOrNull?.ThrowIfCancelled();
    }

    private void CancelAll()
    {
        // Cancel may run user code (CancellationToken callbacks) that spawns into this group: index the array afresh each
        // time and do not compact it meanwhile. Children spawned meanwhile start cancelled anyway.
        bool outer = _iterating;
        _iterating = true;
        try
        {
            bool tokens = false;
            for (int i = 0; i < _childCount; i++)
            {
                Child c = _children[i];
                if (c.Co.Version == c.Version) tokens |= c.Co.MarkCancelled(); // ignores ended coroutines
            }
            // Token callbacks are user code: they run once every child is marked and woken, and what they throw is kept
            // by the scheduler (thrown from handle.Cancel() or the drain), so it cannot stop the cascade.
            if (tokens)
            {
                for (int i = 0; i < _childCount; i++)
                {
                    Child c = _children[i];
                    if (c.Co.Version == c.Version && c.Co.TokenCancelPending) c.Co.CancelToken();
                }
            }
        }
        finally { _iterating = outer; }
    }

    internal void AddDefer(Func<CoTask>? async, Action? sync)
    {
        if (_closed)
            throw new InvalidOperationException("This task group has ended (all its children have ended): it accepts no " +
                                                "new defers. Add defers while the group still runs.");
        if (_deferCount == _defers.Length) Array.Resize(ref _defers, Math.Max(4, _defers.Length * 2));
        ref Defer d = ref _defers[_deferCount++];
        d.Async = async;
        d.Sync = sync;
    }

    /// <summary>
    /// The caller's side: waits until every child has ended (a cancel of the caller cancels the children instead of
    /// waking it), then runs the defers LIFO. A defer's error replaces a success. Does not throw.
    /// </summary>
    internal async CoTask EndAsync()
    {
        await new GroupJoinAwaitable(this, Caller);
        while (_deferCount > 0)
        {
            Defer d = _defers[--_deferCount];
            _defers[_deferCount] = default;
            try
            {
                if (d.Async is { } a) await a();
                else d.Sync!();
            }
            catch (Exception e)
            {
                // A cancellation only if the opener (whose coroutine runs the defers) is being cancelled: otherwise an
                // OperationCanceledException is a failure like any other (rule 3), which a later defer's error must not
                // replace (reliability bug 20).
                RecordFailure(ExceptionDispatchInfo.Capture(e), isCancel: e is OperationCanceledException && Caller.Cancelled);
            }
        }
    }

    /// <summary>Rethrows the group's failure, if any. Called after <see cref="EndAsync"/>, before <see cref="Release"/>.</summary>
    internal void ThrowIfFailed() => _error?.Throw();

    /// <summary>
    /// Ends the group's life: every ended child whose outcome nobody consumed is recycled (its handles now throw), and the
    /// record goes back to its pool (its handles now throw too).
    /// </summary>
    internal void Release()
    {
        // Background children (and the body) were recycled as they ended: with no handle issued there is nothing to
        // recycle here, and the scan (a read of every child's record, 2-3 ns per child at 10k) is skipped.
        for (int i = 0, n = _withHandles > 0 ? _childCount : 0; i < n; i++)
        {
            Child c = _children[i];
            if (c.Co.Version == c.Version)
            {
                // The group's end is the last chance to read a child's outcome through its handle. A joiner that was woken
                // but has not read yet keeps the record alive until it does (TryRecycle checks PendingJoinWakes).
                c.Co.JoinConsumed = true;
                c.Co.TryRecycle();
            }
        }
        Array.Clear(_children, 0, _childCount);
        _childCount = 0;
        _withHandles = 0;
        Array.Clear(_defers, 0, _deferCount); // normally empty: EndAsync ran them all
        _deferCount = 0;
        unchecked { Version++; }
        _error = null;
        _errorIsCancel = false;
        _closed = false;
        _live = 0;
        _waitedFor = 0;
        _waiter = null;
        Caller = null!;
        Name = null;
        ReturnToPool(); // into its scheduler's pool, which is kept: a record stays with the scheduler that created it
    }

    /// <summary>Clears the typed state and returns the record to its scheduler's pool.</summary>
    protected abstract void ReturnToPool();

    /// <summary>Records the parked caller: the last child's end wakes it.</summary>
    internal void ParkCaller(Coroutine caller) => _waiter = caller;

    /// <summary>
    /// A cancel never takes the caller off this site: it is forwarded to the children and the caller keeps waiting
    /// (shielded). That holds for a group opened in a CoTask called without await whose coroutine's body has completed:
    /// the unwind cancels the caller from inside its own step, and the frame must still wait for the children, run the
    /// defers and release the group (reliability bug 18: the group was treated as abandoned, returned with children
    /// still running, and its pooled record broke the next group). The one caller that abandons the wait is
    /// <see cref="Coroutine"/>'s end as a last resort (an unwind cut short by a faulted step): then the children are
    /// cancelled and nobody is woken later.
    /// </summary>
    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        OnCallerCancelled();
        // A cancel delivered to the parked caller, or to a stray frame being unwound.
        if (waiter.State == CoroutineState.Suspended || waiter.IsUnwindingStrayFrame) return false;
        _waiter = null; // abandoned: its record may be recycled and reused; it must never be woken
        return true;
    }

    string IWaitSite.Describe() =>
        $"task group '{Name ?? "unnamed"}' to end ({_live} child(ren) live, {_waitedFor} waited for; " +
        (_state switch { GroupState.Running => "running)", GroupState.Done => "done, cancelling no-wait children)", _ => "cancelling)" });

    internal void CheckVersion(int version)
    {
        if (version != Version)
            throw new InvalidOperationException("This task group has ended: its handle is no longer valid. Keep using a " +
                                                "group only inside its Co.WithTaskGroup body (or while that call runs).");
    }
}
