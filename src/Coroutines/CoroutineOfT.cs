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
                else t.Source.OnBodyCompleted(t.Token, this);
            }
            else
            {
                CoTask<T> t = Unsafe.As<Func<CoTask<T>>>(_body!)();
                if (t.Source is null || t.Source.IsCompleted(t.Token)) FinishBody(t);
                else t.Source.OnBodyCompleted(t.Token, this);
            }
        }
        catch (Exception e)
        {
            // The body delegate itself threw (not an async method), or its task was misused.
            if (!HasEnded) End(e);
        }
    }

    /// <summary>The body's task source hands itself over when it completes: the record does not keep it meanwhile.</summary>
    internal override void OnBodyCompleted(object source, int token)
    {
        if (_isVoid) FinishBody(new CoTask(Unsafe.As<CoTaskSource<VoidResult>>(source), token));
        else FinishBody(new CoTask<T>(Unsafe.As<CoTaskSource<T>>(source), token));
    }

    internal override Action DeferBodyCompletion(object source, int token)
    {
        CoroutineExtras extras = Extras;
        extras.DeferredBodySource = source;
        extras.DeferredBodyToken = token;
        return extras.BodyCompleted ??= OnDeferredBodyCompleted;
    }

    private void OnDeferredBodyCompleted()
    {
        CoroutineExtras extras = Extras;
        object source = extras.DeferredBodySource!;
        extras.DeferredBodySource = null;
        OnBodyCompleted(source, extras.DeferredBodyToken);
    }

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
