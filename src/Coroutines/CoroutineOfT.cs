using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>A coroutine whose body returns <see cref="CoTask{T}"/> (or <see cref="CoTask"/>, with T = <see cref="VoidResult"/>).</summary>
internal sealed class Coroutine<T> : Coroutine
{
    /// <summary>This type's slot in each scheduler's pool table (records are pooled per scheduler, not per thread:
    /// a thread-static lookup would cost more than the rest of a spawn's bookkeeping).</summary>
    private static readonly int s_poolSlot = Scheduler.AllocatePoolSlot();

    private Coroutine<T>? _nextFree;
    private Func<CoTask<T>>? _body;
    private Func<CoTask>? _voidBody;
    private CoTask<T> _task;
    private CoTask _voidTask;
    private bool _isVoid;
    internal T Result = default!;
    private readonly Action _onBodyCompleted;

    private Coroutine() => _onBodyCompleted = OnBodyCompleted;

    internal static Coroutine<T> Rent(Scheduler scheduler, Func<CoTask<T>>? body, Func<CoTask>? voidBody)
    {
        ref object? head = ref scheduler.PoolHead(s_poolSlot);
        Coroutine<T>? co = Unsafe.As<Coroutine<T>?>(head);
        if (co is null) co = new Coroutine<T>();
        else
        {
            head = co._nextFree;
            co._nextFree = null;
        }
        if (!ReferenceEquals(co._body, body)) co._body = body; // usually the same cached lambda: skip the barrier
        if (!ReferenceEquals(co._voidBody, voidBody)) co._voidBody = voidBody;
        co._isVoid = voidBody is not null;
        return co;
    }

    protected override void ReturnToPool()
    {
        Result = default!;
        // The body delegate is kept until the record is reused (usually by the same spawn site with the same cached
        // lambda, so Rent skips the write); a pooled record thus holds at most one stale delegate.
        ref object? head = ref Scheduler.PoolHead(s_poolSlot);
        _nextFree = Unsafe.As<Coroutine<T>?>(head);
        head = this;
    }

    internal override void StartBody()
    {
        try
        {
            if (_voidBody is { } vb)
            {
                _voidTask = vb();
                CoTask t = _voidTask;
                if (t.Source is null || t.Source.IsCompleted(t.Token)) OnBodyCompleted();
                else t.Source.OnCompleted(_onBodyCompleted, t.Token, this);
            }
            else
            {
                Func<CoTask<T>> b = _body!;
                _task = b();
                CoTask<T> t = _task;
                if (t.Source is null || t.Source.IsCompleted(t.Token)) OnBodyCompleted();
                else t.Source.OnCompleted(_onBodyCompleted, t.Token, this);
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
