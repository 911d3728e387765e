using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// A scope of concurrent children, opened by <see cref="Co.WithTaskGroup(Func{TaskGroup, CoTask}, string?, string?, string?, int)"/>.
/// The call that opened it returns only after <em>every</em> child has ended. Cheap to copy; valid until that call
/// returns, after which every member throws <see cref="InvalidOperationException"/>. All members must be called on the
/// scheduler's thread (inside or outside coroutines).
/// </summary>
/// <remarks>
/// <para>Rules (DESIGN §2):</para>
/// <list type="bullet">
/// <item>The first child failure (an exception other than a <see cref="CancelledException"/> thrown while that child was
/// being cancelled), unless the child was spawned with <c>allowFailure</c>, cancels every other child; the group
/// rethrows it once all children have ended. Later failures are dropped.</item>
/// <item>When every child spawned without <c>noWait</c> (including the body) has ended, the remaining <c>noWait</c>
/// children are cancelled.</item>
/// <item>If the coroutine that opened the group is cancelled, the children are cancelled and the group waits for them
/// (shielded) before rethrowing <see cref="CancelledException"/>.</item>
/// <item>Spawning while the group is cancelling is allowed: the child starts cancelled (its body still starts, so its
/// <c>finally</c> blocks run). Spawning after every child has ended (e.g. from a defer) throws
/// <see cref="InvalidOperationException"/>.</item>
/// <item>Records: a child's handle stays valid until its outcome is consumed by <c>Wait()</c> or the group ends,
/// whichever comes first; then the record is recycled and the handle throws <see cref="InvalidOperationException"/>.
/// Background children are recycled as soon as they end.</item>
/// </list>
/// </remarks>
public readonly struct TaskGroup
{
    private readonly TaskGroupCore<VoidResult>? _core;
    private readonly int _version;

    internal TaskGroup(TaskGroupCore<VoidResult> core, int version)
    {
        _core = core;
        _version = version;
    }

    /// <summary>The group's name (from WithTaskGroup), if any.</summary>
    public string? Name => Core().Name;

    /// <summary>
    /// True once the group no longer runs normally: a child failed, the opener was cancelled, ReturnImmediately was
    /// called, or every waited-for child has ended. Children spawned from now on start cancelled.
    /// </summary>
    public bool IsCancelling => Core().IsCancelling;

    /// <summary>
    /// Spawns a child. It starts queued (never inline) and shielded, so its body always begins.
    /// </summary>
    /// <param name="body">The child's body.</param>
    /// <param name="noWait">The group does not wait for this child: it is cancelled once every other (waited-for) child has ended.</param>
    /// <param name="allowFailure">A failure of this child does not fail the group; it is seen only through the handle.</param>
    /// <param name="name">A name for diagnostics (<see cref="Scheduler.DescribeCoroutines"/>, deadlock reports).</param>
    /// <param name="member">Filled in by the compiler: the spawn site.</param>
    /// <param name="file">Filled in by the compiler: the spawn site.</param>
    /// <param name="line">Filled in by the compiler: the spawn site.</param>
    /// <returns>A handle valid until its outcome is consumed by <c>Wait()</c> or the group ends.</returns>
    /// <exception cref="InvalidOperationException">The group has ended (every child has ended, e.g. in a defer).</exception>
    public CoroutineHandle Spawn(Func<CoTask> body, bool noWait = false, bool allowFailure = false, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        Coroutine co = Core().Spawn<VoidResult>(null, body, noWait, allowFailure, background: false, name, file, line, member);
        return new CoroutineHandle(co, co.Version);
    }

    /// <summary>Spawns a child that produces a value; see <see cref="Spawn(Func{CoTask}, bool, bool, string?, string?, string?, int)"/>.</summary>
    /// <param name="body">The child's body.</param>
    /// <param name="noWait">The group does not wait for this child: it is cancelled once every other (waited-for) child has ended.</param>
    /// <param name="allowFailure">A failure of this child does not fail the group; it is seen only through the handle.</param>
    /// <param name="name">A name for diagnostics.</param>
    /// <param name="member">Filled in by the compiler: the spawn site.</param>
    /// <param name="file">Filled in by the compiler: the spawn site.</param>
    /// <param name="line">Filled in by the compiler: the spawn site.</param>
    /// <exception cref="InvalidOperationException">The group has ended (every child has ended, e.g. in a defer).</exception>
    public CoroutineHandle<TResult> Spawn<TResult>(Func<CoTask<TResult>> body, bool noWait = false, bool allowFailure = false,
        string? name = null, [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        Coroutine<TResult> co = Core().Spawn(body, null, noWait, allowFailure, background: false, name, file, line, member);
        return new CoroutineHandle<TResult>(co, co.Version);
    }

    /// <summary>
    /// Spawns a child without a handle: its record is recycled as soon as it ends. Its failure still fails the group
    /// (unless <paramref name="allowFailure"/>, in which case the failure is not observable).
    /// </summary>
    /// <param name="body">The child's body.</param>
    /// <param name="noWait">The group does not wait for this child: it is cancelled once every other (waited-for) child has ended.</param>
    /// <param name="allowFailure">A failure of this child does not fail the group (and is dropped).</param>
    /// <param name="name">A name for diagnostics.</param>
    /// <param name="member">Filled in by the compiler: the spawn site.</param>
    /// <param name="file">Filled in by the compiler: the spawn site.</param>
    /// <param name="line">Filled in by the compiler: the spawn site.</param>
    /// <exception cref="InvalidOperationException">The group has ended (every child has ended, e.g. in a defer).</exception>
    public void SpawnBackground(Func<CoTask> body, bool noWait = false, bool allowFailure = false, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        Core().Spawn<VoidResult>(null, body, noWait, allowFailure, background: true, name, file, line, member);
    }

    /// <summary>
    /// Adds a cleanup that runs after every child has ended, in the opener's coroutine, in LIFO order (last added runs
    /// first), whether the group succeeded or not. A defer's exception replaces a success (it never replaces an earlier
    /// failure). Defers run with the opener's cancellation state: wrap them in <see cref="Co.ProtectFromCancel(Func{CoTask})"/>
    /// if they must suspend while the opener is being cancelled. A defer cannot spawn into the group.
    /// </summary>
    /// <exception cref="InvalidOperationException">The group has ended (every child has ended).</exception>
    public void AddDefer(Func<CoTask> defer)
    {
        ArgumentNullException.ThrowIfNull(defer);
        Core().AddDefer(defer, null);
    }

    /// <summary>Adds a synchronous cleanup; see <see cref="AddDefer(Func{CoTask})"/>.</summary>
    /// <exception cref="InvalidOperationException">The group has ended (every child has ended).</exception>
    public void AddDefer(Action defer)
    {
        ArgumentNullException.ThrowIfNull(defer);
        Core().AddDefer(null, defer);
    }

    /// <summary>
    /// Ends the group now: it succeeds (unless a child already failed) and every child is cancelled; the opener still
    /// resumes only after they have all ended. Callable from a child (which is then cancelled too: if it is not
    /// shielded, this call throws <see cref="CancelledException"/> so it stops right here) or from outside the group.
    /// </summary>
    /// <exception cref="CancelledException">The calling coroutine is being cancelled (always, when it is a child).</exception>
    public void ReturnImmediately() => Core().ReturnImmediately(default(VoidResult));

    /// <summary>For tests: how many child entries the group tracks (bounded by its live children plus slack).</summary>
    internal int TrackedChildren => Core().TrackedChildren;

    private TaskGroupCore<VoidResult> Core()
    {
        TaskGroupCore<VoidResult> core = _core ?? throw new InvalidOperationException("This TaskGroup is default; groups come from Co.WithTaskGroup.");
        core.CheckVersion(_version);
        core.Scheduler.CheckThread("TaskGroup");
        return core;
    }
}
