using System;

namespace CoSched;

/// <summary>A coroutine whose body returns <see cref="CoTask{T}"/> (or <see cref="CoTask"/>, with T = <see cref="VoidResult"/>).</summary>
internal sealed class Coroutine<T> : Coroutine
{
    [ThreadStatic] private static Coroutine<T>? t_pool;

    private Coroutine<T>? _nextFree;
    private Func<CoTask<T>>? _body;
    private Func<CoTask>? _voidBody;
    private CoTask<T> _task;
    private CoTask _voidTask;
    private bool _isVoid;
    internal T Result = default!;
    private readonly Action _onBodyCompleted;

    private Coroutine() => _onBodyCompleted = OnBodyCompleted;

    internal static Coroutine<T> Rent(Func<CoTask<T>>? body, Func<CoTask>? voidBody)
    {
        Coroutine<T>? co = t_pool;
        if (co is null) co = new Coroutine<T>();
        else
        {
            t_pool = co._nextFree;
            co._nextFree = null;
        }
        co._body = body;
        co._voidBody = voidBody;
        co._isVoid = voidBody is not null;
        return co;
    }

    protected override void ReturnToPool()
    {
        Result = default!;
        _body = null;
        _voidBody = null;
        _nextFree = t_pool;
        t_pool = this;
    }

    internal override void StartBody()
    {
        try
        {
            if (_voidBody is { } vb)
            {
                _voidBody = null;
                _voidTask = vb();
                CoTask.Awaiter a = _voidTask.GetAwaiter();
                if (a.IsCompleted) OnBodyCompleted(); else a.UnsafeOnCompleted(_onBodyCompleted);
            }
            else
            {
                Func<CoTask<T>> b = _body!;
                _body = null;
                _task = b();
                CoTask<T>.Awaiter a = _task.GetAwaiter();
                if (a.IsCompleted) OnBodyCompleted(); else a.UnsafeOnCompleted(_onBodyCompleted);
            }
        }
        catch (Exception e)
        {
            // The body delegate itself threw (not an async method), or its task was misused.
            _task = default;
            _voidTask = default;
            if (!HasEnded) End(e);
        }
    }

    private void OnBodyCompleted()
    {
        try
        {
            if (_isVoid)
            {
                CoTask t = _voidTask;
                _voidTask = default;
                t.GetAwaiter().GetResult();
            }
            else
            {
                CoTask<T> t = _task;
                _task = default;
                Result = t.GetAwaiter().GetResult();
            }
        }
        catch (Exception e)
        {
            End(e);
            return;
        }
        End(null);
    }
}
