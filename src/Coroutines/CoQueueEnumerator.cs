using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace CoSched;

/// <summary>
/// Reads a <see cref="CoQueue{T}"/> until it closes; what <c>await foreach (var item in queue)</c> uses. Each read is a
/// <see cref="CoQueue{T}.Get"/> with the same rules (FIFO among readers, a handed value is never lost), except that a
/// queue closed without an error ends the loop; one closed with an error rethrows it. Use it on the scheduler's thread,
/// inside a coroutine.
/// <para>
/// The <see cref="CancellationToken"/> given to <see cref="CoQueue{T}.GetAsyncEnumerator"/> ends a waiting read with
/// <see cref="OperationCanceledException"/> (delivered through the scheduler's inbox, so it may fire on any thread).
/// Called through <see cref="IAsyncEnumerator{T}"/> (e.g. <c>queue.WithCancellation(token)</c> or LINQ), a read that
/// must wait is a .NET await: it still works, more slowly; the token or a cancel of the coroutine ends that wait.
/// </para>
/// </summary>
public sealed class CoQueueEnumerator<T> : IAsyncEnumerator<T>, IValueTaskSource<bool>
{
    private readonly CoQueue<T> _queue;
    private readonly CancellationToken _token;
    private CancellationTokenRegistration _registration;
    private readonly Action? _cancelParkedRead;
    private T _current = default!;
    /// <summary>The node of the read waiting now, so the token can end it.</summary>
    private QueueWaiter<T>? _parked;

    // The IAsyncEnumerator<T> path: a read that has to wait runs as a nested CoTask and completes this source.
    private ManualResetValueTaskSourceCore<bool> _source;
    private CoTask<bool> _slowRead;
    private Action? _onSlowReadCompleted;

    internal CoQueueEnumerator(CoQueue<T> queue, CancellationToken token)
    {
        _queue = queue;
        _token = token;
        if (token.CanBeCanceled)
        {
            _cancelParkedRead = CancelParkedRead;
            // Registered once per enumerator, not per read: reads stay allocation-free.
            _registration = token.UnsafeRegister(static s => ((CoQueueEnumerator<T>)s!).OnTokenCancelled(), this);
        }
    }

    internal CoQueue<T> Queue => _queue;

    /// <summary>The item read by the last successful <see cref="MoveNextAsync"/>.</summary>
    public T Current
    {
        get
        {
            _queue.Scheduler.CheckThread("CoQueueEnumerator.Current");
            return _current;
        }
    }

    /// <summary>
    /// Reads the next item into <see cref="Current"/> (true), waiting if none is buffered; false once the queue is closed
    /// and drained.
    /// </summary>
    /// <exception cref="OperationCanceledException">The enumerator's token was cancelled.</exception>
    /// <exception cref="CancelledException">The coroutine was cancelled while waiting (no item was taken).</exception>
    /// <exception cref="InvalidOperationException">Awaited outside any coroutine.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public QueueMoveNextAwaitable<T> MoveNextAsync()
    {
        _queue.Scheduler.CurrentForAwait("CoQueueEnumerator.MoveNextAsync()"); // refuses a wrong thread or no coroutine now
        _token.ThrowIfCancellationRequested();
        return new QueueMoveNextAwaitable<T>(this);
    }

    /// <summary>Releases the token registration. Completes at once.</summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public ValueTask DisposeAsync()
    {
        _queue.Scheduler.CheckThread("CoQueueEnumerator.DisposeAsync");
        _registration.Dispose();
        return default;
    }

    internal QueueMoveNextAwaitable<T>.Awaiter BeginMoveNext(Coroutine co)
    {
        CoQueue<T> queue = _queue;
        if (queue.TryTakeCore(out T item))
        {
            _current = item;
            return new QueueMoveNextAwaitable<T>.Awaiter(this, null, 0, true);
        }
        if (queue.IsClosedCore)
        {
            if (queue.CloseError is not null) queue.ThrowClosed();
            return new QueueMoveNextAwaitable<T>.Awaiter(this, null, 0, false);
        }
        QueueWaiter<T> w = queue.RentWaiter(co, isWriter: false, default!);
        return new QueueMoveNextAwaitable<T>.Awaiter(this, w, w.Version, false);
    }

    internal void Park(QueueWaiter<T> w, object continuation)
    {
        w.Co.CheckAwaitedHere(); // before the enumerator changes: an awaiter carried to another thread is refused
        _parked = w;
        _queue.ParkReader(w, continuation);
    }

    internal bool EndMoveNext(QueueWaiter<T> w, int version)
    {
        _parked = null;
        CoQueue<T> queue = _queue;
        switch (queue.EndWait(w, version, out T item))
        {
            case QueueWaiterState.Done:
                _current = item;
                return true;
            case QueueWaiterState.TokenCancelled:
                throw new OperationCanceledException(_token);
            default:
                if (queue.CloseError is not null) queue.ThrowClosed();
                return false;
        }
    }

    private void OnTokenCancelled() => _queue.Scheduler.Post(_cancelParkedRead!);

    private void CancelParkedRead()
    {
        if (_parked is { } w) _queue.CancelByToken(w);
    }

    // ----- IAsyncEnumerator<T>: for .NET consumers (WithCancellation, LINQ) -----

    ValueTask<bool> IAsyncEnumerator<T>.MoveNextAsync()
    {
        CoTask<bool> read = ReadNext();
        if (read.IsCompleted) return new ValueTask<bool>(read.GetAwaiter().GetResult());
        _slowRead = read;
        _source.Reset();
        // Resumes inline, on the scheduler thread, when the nested read completes; the caller's .NET await then posts
        // its continuation through the inbox (no thread-pool hop, so this stays deterministic).
        read.GetAwaiter().UnsafeOnCompleted(_onSlowReadCompleted ??= OnSlowReadCompleted);
        return new ValueTask<bool>(this, _source.Version);
    }

    private async CoTask<bool> ReadNext() => await MoveNextAsync();

    private void OnSlowReadCompleted()
    {
        CoTask<bool> read = _slowRead;
        _slowRead = default;
        try
        {
            _source.SetResult(read.GetAwaiter().GetResult());
        }
        catch (Exception e)
        {
            _source.SetException(e);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token,
                                            ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);
}
