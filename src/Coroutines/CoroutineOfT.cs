using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>A coroutine whose body returns <see cref="CoTask{T}"/> (or <see cref="CoTask"/>, with T = <see cref="VoidResult"/>).</summary>
internal sealed class Coroutine<T> : Coroutine
{
    /// <summary>This type's slot in each scheduler's pool table (records are pooled per scheduler, not per thread:
    /// a thread-static lookup would cost more than the rest of a spawn's bookkeeping).</summary>
    private static readonly int s_poolSlot = Scheduler.AllocatePoolSlot();

    /// <summary>The body: a <c>Func&lt;CoTask&gt;</c> when <see cref="_isVoid"/>, else a <c>Func&lt;CoTask&lt;T&gt;&gt;</c>
    /// (one field instead of two: this record is most of a parked coroutine's memory).</summary>
    private object? _body;
    /// <summary>The body's pending task source (CoTaskSource of VoidResult or of T) and its token, while it runs.</summary>
    private object? _bodySource;
    private int _bodyToken;
    private bool _isVoid;
    internal T Result = default!;

    private Coroutine() { }


    internal static Coroutine<T> Rent(Scheduler scheduler, Func<CoTask<T>>? body, Func<CoTask>? voidBody)
    {
        Coroutine<T> co = Unsafe.As<Coroutine<T>?>(scheduler.PoolTake(s_poolSlot)) ?? new Coroutine<T>();
        object? bodyDelegate = voidBody is not null ? voidBody : body;
        if (!ReferenceEquals(co._body, bodyDelegate)) co._body = bodyDelegate; // usually the same cached lambda: skip the barrier
        co._isVoid = voidBody is not null;
        return co;
    }

    protected override void ReturnToPool()
    {
        Result = default!;
        // The body delegate is kept until the record is reused (usually by the same spawn site with the same cached
        // lambda, so Rent skips the write); a pooled record thus holds at most one stale delegate.
        Scheduler.PoolReturn(s_poolSlot, this);
    }

    internal override void StartBody()
    {
        try
        {
            if (_isVoid)
            {
                CoTask t = Unsafe.As<Func<CoTask>>(_body!)();
                if (t.Source is null || t.Source.IsCompleted(t.Token)) FinishBody(t);
                else
                {
                    _bodySource = t.Source;
                    _bodyToken = t.Token;
                    t.Source.OnBodyCompleted(t.Token, this);
                }
            }
            else
            {
                CoTask<T> t = Unsafe.As<Func<CoTask<T>>>(_body!)();
                if (t.Source is null || t.Source.IsCompleted(t.Token)) FinishBody(t);
                else
                {
                    _bodySource = t.Source;
                    _bodyToken = t.Token;
                    t.Source.OnBodyCompleted(t.Token, this);
                }
            }
        }
        catch (Exception e)
        {
            // The body delegate itself threw (not an async method), or its task was misused.
            _bodySource = null;
            if (!HasEnded) End(e);
        }
    }

    internal override void OnBodyCompleted()
    {
        object? source = _bodySource;
        _bodySource = null;
        if (_isVoid) FinishBody(new CoTask(Unsafe.As<CoTaskSource<VoidResult>>(source!), _bodyToken));
        else FinishBody(new CoTask<T>(Unsafe.As<CoTaskSource<T>>(source!), _bodyToken));
    }

    internal override Action BodyCompletedAction => Extras.BodyCompleted ??= OnBodyCompleted;

    private void FinishBody(CoTask t)
    {
        try
        {
            t.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            End(e);
            return;
        }
        End(null);
    }

    private void FinishBody(CoTask<T> t)
    {
        try
        {
            Result = t.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            End(e);
            return;
        }
        End(null);
    }
}
