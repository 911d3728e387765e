using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// A task group record whose result is a <typeparamref name="T"/> (<see cref="VoidResult"/> for <see cref="TaskGroup"/>).
/// Pooled in an unbounded pool per scheduler, like coroutine records, so opening a group allocates nothing in
/// steady state. The body adapters are created once per record.
/// </summary>
internal sealed class TaskGroupCore<T> : TaskGroupCore
{
    /// <summary>This type's slot in each scheduler's pool table.</summary>
    private static readonly int s_poolSlot = Scheduler.AllocatePoolSlot();


    private Func<TaskGroup<T>, CoTask<T>>? _body;
    private Func<TaskGroup, CoTask>? _voidBody;
    private readonly Func<CoTask<T>> _runBody;
    private readonly Func<CoTask> _runVoidBody;
    private T _result = default!;
    private bool _hasResult;

    private TaskGroupCore()
    {
        _runBody = RunBody;
        _runVoidBody = RunVoidBody;
    }

    internal static TaskGroupCore<T> Rent(Coroutine caller, string? name)
    {
        TaskGroupCore<T> g = Unsafe.As<TaskGroupCore<T>?>(caller.Scheduler.PoolTake(s_poolSlot)) ?? new TaskGroupCore<T>();
        g.Init(caller, name);
        return g;
    }

    /// <summary>Spawns a body that returns the group's result.</summary>
    internal void Start(Func<TaskGroup<T>, CoTask<T>> body, string? file, int line, string? member)
    {
        _body = body;
        SpawnBody(_runBody, null, file, line, member);
    }

    /// <summary>Spawns a body of a <see cref="TaskGroup"/> (T is <see cref="VoidResult"/>).</summary>
    internal void Start(Func<TaskGroup, CoTask> body, string? file, int line, string? member)
    {
        _voidBody = body;
        SpawnBody<T>(null, _runVoidBody, file, line, member);
    }

    private CoTask<T> RunBody()
    {
        Func<TaskGroup<T>, CoTask<T>> body = _body!;
        _body = null;
        return body(new TaskGroup<T>(this, Version));
    }

    private CoTask RunVoidBody()
    {
        Func<TaskGroup, CoTask> body = _voidBody!;
        _voidBody = null;
        // Only TaskGroupCore<VoidResult> is ever started with a void body (Co.WithTaskGroup).
        return body(new TaskGroup((TaskGroupCore<VoidResult>)(object)this, Version));
    }

    protected override void OnBodyDone(Coroutine body)
    {
        if (_hasResult) return;
        _result = ((Coroutine<T>)body).Result;
        _hasResult = true;
    }

    /// <summary>Sets the result if unset, then ends the group; see <see cref="TaskGroupCore.ReturnImmediately()"/>.</summary>
    internal void ReturnImmediately(T value)
    {
        if (!_hasResult)
        {
            _result = value;
            _hasResult = true;
        }
        ReturnImmediately();
    }

    /// <summary>The outcome after <see cref="TaskGroupCore.EndAsync"/>: the result, or the failure rethrown.</summary>
    internal T TakeResult()
    {
        ThrowIfFailed();
        // Done without a result: only if the body was cancelled individually, which nothing outside the group can do.
        if (!_hasResult) Coroutine.ThrowCancelled();
        return _result;
    }

    protected override void ReturnToPool()
    {
        _result = default!;
        _hasResult = false;
        _body = null;
        _voidBody = null;
        Scheduler.PoolReturn(s_poolSlot, this);
    }
}
