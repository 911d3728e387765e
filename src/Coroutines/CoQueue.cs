using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// A FIFO queue between coroutines of one scheduler. Create it with <see cref="Unbounded"/>, <see cref="Blocking"/>
/// (capacity 0 is a rendezvous), <see cref="DiscardOldest"/> or <see cref="DiscardLatest"/>.
/// <para>
/// Contract: <see cref="Put"/> hands the item straight to the first waiting reader, else buffers it, else (a full
/// <see cref="QueueKind.Blocking"/> queue) waits FIFO behind earlier writers. An item is in the queue if and only if
/// <see cref="Put"/> returned (discarding kinds may drop it later, by their policy). A writer cancelled while waiting has
/// not put its item. <see cref="Get"/> takes the oldest item, else waits FIFO behind earlier readers; a reader that was
/// handed a value and is cancelled before it resumes still returns the value (the cancel hits its next suspension), so
/// nothing is lost. A completed fast path wins over a pending cancel: the operation succeeds without suspending.
/// </para>
/// <para>
/// <see cref="Close"/> fails every waiting reader and writer; buffered items still drain unless cleared; then gets throw
/// <see cref="QueueClosedException"/> (or the close error). <c>await foreach</c> reads until the queue closes.
/// All members must be called on the scheduler's thread (<see cref="WrongThreadException"/> otherwise); awaiting
/// operations must run inside a coroutine of that scheduler.
/// </para>
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class CoQueue<T> : IAsyncEnumerable<T>
{
    private const int InitialBufferLength = 16;

    private readonly Scheduler _scheduler;
    private readonly QueueKind _kind;
    /// <summary>Most items buffered at once; int.MaxValue when unbounded.</summary>
    private readonly int _capacity;
    /// <summary>Power-of-two ring. Grows by doubling and never shrinks, so a reused queue never regrows.</summary>
    private T[] _items = Array.Empty<T>();
    /// <summary>
    /// A put may store straight into the ring while <see cref="_count"/> is below this: the smaller of the capacity and
    /// the ring's length while open, 0 once closed (so the fast path needs no test of its own for either).
    /// </summary>
    private int _fastPutLimit;
    private int _head;
    private int _count;
    // Invariants: readers parked => nothing buffered and no writer parked; writers parked => Blocking and full.
    private QueueWaiterList<T> _readers;
    private QueueWaiterList<T> _writers;
    private QueueWaiter<T>? _freeWaiters;
    private bool _closed;
    private Exception? _closeError;

    private CoQueue(Scheduler scheduler, QueueKind kind, int capacity)
    {
        _scheduler = scheduler;
        _kind = kind;
        _capacity = capacity;
    }

    /// <summary>Creates a queue whose <see cref="Put"/> never waits: every item is buffered until read.</summary>
    /// <param name="scheduler">The scheduler whose coroutines use the queue; default: the calling coroutine's.</param>
    /// <exception cref="InvalidOperationException">No scheduler was given and the caller is not inside a coroutine.</exception>
    public static CoQueue<T> Unbounded(Scheduler? scheduler = null) =>
        new(SchedulerBinding.Resolve(scheduler, "CoQueue.Unbounded"), QueueKind.Unbounded, int.MaxValue);

    /// <summary>
    /// Creates a queue that buffers up to <paramref name="capacity"/> items; further writers wait FIFO until a reader
    /// makes room. With capacity 0 it is a rendezvous: each <see cref="Put"/> waits until a reader takes its item.
    /// </summary>
    /// <param name="capacity">Most items buffered at once; 0 or more.</param>
    /// <param name="scheduler">The scheduler whose coroutines use the queue; default: the calling coroutine's.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public static CoQueue<T> Blocking(int capacity, Scheduler? scheduler = null) =>
        Create(QueueKind.Blocking, capacity, scheduler, "CoQueue.Blocking");

    /// <summary>
    /// Creates a queue that buffers up to <paramref name="capacity"/> items and, when full, drops the oldest buffered
    /// item to make room for the new one. <see cref="Put"/> never waits. With capacity 0 an item no reader is waiting
    /// for is dropped.
    /// </summary>
    /// <param name="capacity">Most items buffered at once; 0 or more.</param>
    /// <param name="scheduler">The scheduler whose coroutines use the queue; default: the calling coroutine's.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public static CoQueue<T> DiscardOldest(int capacity, Scheduler? scheduler = null) =>
        Create(QueueKind.DiscardOldest, capacity, scheduler, "CoQueue.DiscardOldest");

    /// <summary>
    /// Creates a queue that buffers up to <paramref name="capacity"/> items and, when full, drops the new item.
    /// <see cref="Put"/> never waits.
    /// </summary>
    /// <param name="capacity">Most items buffered at once; 0 or more.</param>
    /// <param name="scheduler">The scheduler whose coroutines use the queue; default: the calling coroutine's.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public static CoQueue<T> DiscardLatest(int capacity, Scheduler? scheduler = null) =>
        Create(QueueKind.DiscardLatest, capacity, scheduler, "CoQueue.DiscardLatest");

    private static CoQueue<T> Create(QueueKind kind, int capacity, Scheduler? scheduler, string what)
    {
        if (capacity < 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                $"{what} needs a capacity of 0 or more (0 = no buffer). For a queue without limit use CoQueue.Unbounded.");
        return new CoQueue<T>(SchedulerBinding.Resolve(scheduler, what), kind, capacity);
    }

    /// <summary>The queue's kind.</summary>
    public QueueKind Kind
    {
        get
        {
            _scheduler.CheckThread("CoQueue.Kind");
            return _kind;
        }
    }

    /// <summary>Most items buffered at once; <see cref="int.MaxValue"/> for an unbounded queue.</summary>
    public int Capacity
    {
        get
        {
            _scheduler.CheckThread("CoQueue.Capacity");
            return _capacity;
        }
    }

    internal Scheduler Scheduler => _scheduler;

    /// <summary>Number of buffered items (items of waiting writers are not in the queue yet and do not count).</summary>
    public int Count
    {
        get
        {
            _scheduler.CheckThread("CoQueue.Count");
            return _count;
        }
    }

    /// <summary>True once <see cref="Close"/> was called (buffered items may still be readable).</summary>
    public bool IsClosed
    {
        get
        {
            _scheduler.CheckThread("CoQueue.IsClosed");
            return _closed;
        }
    }

    internal int ParkedReaders => _readers.Count;

    internal int ParkedWriters => _writers.Count;

    /// <summary>Nodes in the free list (tests check that waiter storage stays bounded).</summary>
    internal int PooledWaiters
    {
        get
        {
            int n = 0;
            for (QueueWaiter<T>? w = _freeWaiters; w is not null; w = w.Next) n++;
            return n;
        }
    }

    // ----- public operations -----

    /// <summary>
    /// Puts <paramref name="item"/>: hands it to the first waiting reader, else buffers it, else applies the kind's
    /// policy (a full <see cref="QueueKind.Blocking"/> queue waits FIFO for room; discarding kinds drop an item).
    /// The put happens when the result is awaited; await it once. When the await returns, the item is in the queue.
    /// </summary>
    /// <exception cref="QueueClosedException">The queue is closed, or closed while waiting (or the close error).</exception>
    /// <exception cref="CancelledException">The coroutine was cancelled while waiting; the item was not put.</exception>
    /// <exception cref="InvalidOperationException">Awaited outside any coroutine.</exception>
    /// <exception cref="WrongThreadException">Awaited on a thread other than the scheduler's.</exception>
    public QueuePutAwaitable<T> Put(T item) => new(this, item);

    /// <summary>
    /// Puts <paramref name="item"/> without waiting: hands it to a waiting reader or buffers it and returns true;
    /// returns false, changing nothing, when the buffer is full (for every kind: discarding kinds do not discard here;
    /// a rendezvous accepts only when a reader waits). An unbounded queue is never full.
    /// </summary>
    /// <exception cref="QueueClosedException">The queue is closed (or the close error).</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public bool TryPut(T item)
    {
        _scheduler.CheckThread("CoQueue.TryPut");
        return TryPutCore(item, discard: false);
    }

    /// <summary>
    /// Takes the oldest item, or waits FIFO behind earlier readers until one is put. The get happens when the result is
    /// awaited; await it once. A reader handed a value returns it even if cancelled before resuming.
    /// </summary>
    /// <exception cref="QueueClosedException">The queue is closed and drained, or closed while waiting (or the close error).</exception>
    /// <exception cref="CancelledException">The coroutine was cancelled while waiting (no item was taken).</exception>
    /// <exception cref="InvalidOperationException">Awaited outside any coroutine.</exception>
    /// <exception cref="WrongThreadException">Awaited on a thread other than the scheduler's.</exception>
    public QueueGetAwaitable<T> Get() => new(this);

    /// <summary>Takes the oldest item without waiting; returns false when none is available.</summary>
    /// <exception cref="QueueClosedException">The queue is closed and drained (or the close error).</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public bool TryGet(out T item)
    {
        _scheduler.CheckThread("CoQueue.TryGet");
        if (TryTakeCore(out item)) return true;
        if (_closed) ThrowClosed();
        return false;
    }

    /// <summary>
    /// Closes the queue: every waiting reader and writer fails with <paramref name="error"/>, or
    /// <see cref="QueueClosedException"/> when it is null (waiting writers' items are not put). Buffered items can still
    /// be read unless <paramref name="clear"/> drops them; after that, gets throw the same way and <c>await foreach</c>
    /// ends (or throws <paramref name="error"/>). Puts throw from now on. Closing again keeps the first error; it only
    /// drops the buffered items if <paramref name="clear"/> is set.
    /// </summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public void Close(Exception? error = null, bool clear = false)
    {
        _scheduler.CheckThread("CoQueue.Close");
        if (!_closed)
        {
            _closed = true;
            _fastPutLimit = 0;
            _closeError = error;
            while (_readers.RemoveFirst() is { } reader) Finish(reader, QueueWaiterState.Closed);
            while (_writers.RemoveFirst() is { } writer) Finish(writer, QueueWaiterState.Closed);
        }
        if (clear) ClearBuffer();
    }

    /// <summary>
    /// Returns an enumerator that reads items until the queue closes (<c>await foreach (var x in queue)</c> uses it
    /// directly, without allocating per item). A cancelled <paramref name="cancellationToken"/> makes the pending or
    /// next read throw <see cref="OperationCanceledException"/>; a value already handed over is still returned first.
    /// </summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the scheduler's.</exception>
    public CoQueueEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        _scheduler.CheckThread("CoQueue.GetAsyncEnumerator");
        return new CoQueueEnumerator<T>(this, cancellationToken);
    }

    IAsyncEnumerator<T> IAsyncEnumerable<T>.GetAsyncEnumerator(CancellationToken cancellationToken) =>
        GetAsyncEnumerator(cancellationToken);

    // ----- the core, shared by the awaiters -----

    /// <summary>
    /// Puts without waiting. True when the item was handed off, buffered, or (with <paramref name="discard"/>) dropped
    /// by the kind's policy; false when the caller would have to wait (or, for TryPut, when full).
    /// </summary>
    internal bool TryPutCore(T item, bool discard)
    {
        // The common case in one block: room in the ring without growing, open (both in _fastPutLimit), nobody waiting to
        // read. Puts are most of a queue's cost: two tests here instead of the general path's four.
        int count = _count;
        if (count < _fastPutLimit && _readers.First is null)
        {
            T[] items = _items;
            items[(_head + count) & (items.Length - 1)] = item;
            _count = count + 1;
            return true;
        }
        return TryPutGeneral(item, discard);
    }

    private bool TryPutGeneral(T item, bool discard)
    {
        if (_closed) ThrowClosed();
        if (_readers.First is { } reader)
        {
            _readers.Remove(reader);
            reader.Value = item;
            Finish(reader, QueueWaiterState.Done);
            return true;
        }
        if (_count < _capacity)
        {
            Enqueue(item);
            return true;
        }
        if (!discard) return false;
        switch (_kind)
        {
            case QueueKind.DiscardOldest:
                if (_count > 0)
                {
                    DropOldest();
                    Enqueue(item);
                }
                return true; // capacity 0: the new item is the one dropped
            case QueueKind.DiscardLatest:
                return true;
            default:
                return false;
        }
    }

    /// <summary>Takes the oldest item without waiting; a waiting writer's item then moves into the freed room.</summary>
    internal bool TryTakeCore(out T item)
    {
        if (_count > 0)
        {
            item = Dequeue();
            if (_writers.First is { } writer)
            {
                _writers.Remove(writer);
                Enqueue(writer.Value);
                writer.Value = default!;
                Finish(writer, QueueWaiterState.Done);
            }
            return true;
        }
        if (_writers.First is { } direct) // a rendezvous: take straight from the writer
        {
            _writers.Remove(direct);
            item = direct.Value;
            direct.Value = default!;
            Finish(direct, QueueWaiterState.Done);
            return true;
        }
        item = default!;
        return false;
    }

    internal QueueWaiter<T> RentWaiter(Coroutine co, bool isWriter, T value)
    {
        QueueWaiter<T>? w = _freeWaiters;
        if (w is null) w = new QueueWaiter<T>(this);
        else
        {
            _freeWaiters = w.Next;
            w.Next = null;
        }
        w.Co = co;
        w.IsWriter = isWriter;
        w.Value = value;
        w.State = QueueWaiterState.Pending;
        return w;
    }

    private void ReturnWaiter(QueueWaiter<T> w)
    {
        w.Co = null!;
        w.Value = default!;
        unchecked { w.Version++; }
        w.Next = _freeWaiters;
        _freeWaiters = w;
    }

    /// <summary>
    /// The awaiter's IsCompleted on the slow path: the park's refusals (here, so the awaiting method's finally blocks
    /// run; see <see cref="Coroutine.CheckCanPark"/>), then a pending cancel, before parking. The node goes back to the
    /// pool on a throw: the await never happens.
    /// </summary>
    internal void CheckBeforePark(QueueWaiter<T> w)
    {
        Coroutine co = w.Co;
        if (co.Waiting || co.Cancelled && co.ShieldDepth == 0) RefuseBeforePark(w, co);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RefuseBeforePark(QueueWaiter<T> w, Coroutine co)
    {
        ReturnWaiter(w);
        co.CheckCanParkVerified(); // the coroutine was looked up (thread and all) when the node was rented
        Coroutine.ThrowCancelled();
    }

    internal void ParkReader(QueueWaiter<T> w, object continuation)
    {
        Coroutine co = w.Co;
        co.Park(continuation, w);
        // Only a hand-driven awaiter can get here with an item available or the queue closed; keep the invariants anyway.
        if (_count != 0 || _writers.Count != 0)
        {
            TryTakeCore(out w.Value);
            Finish(w, QueueWaiterState.Done);
        }
        else if (_closed) Finish(w, QueueWaiterState.Closed);
        else _readers.Add(w);
    }

    internal void ParkWriter(QueueWaiter<T> w, object continuation)
    {
        Coroutine co = w.Co;
        co.Park(continuation, w);
        if (_closed) Finish(w, QueueWaiterState.Closed);
        else if (TryPutCore(w.Value, discard: false)) // hand-driven awaiter only: room appeared meanwhile
        {
            w.Value = default!;
            Finish(w, QueueWaiterState.Done);
        }
        else _writers.Add(w);
    }

    /// <summary>
    /// Ends a parked wait: returns the node to the pool and reports how it ended (Done, Closed or TokenCancelled), or
    /// throws <see cref="CancelledException"/> when a cancel removed it before any hand-off.
    /// </summary>
    internal QueueWaiterState EndWait(QueueWaiter<T> w, int version, out T value)
    {
        if (w.Version != version || w.Linked)
            throw new InvalidOperationException("This CoQueue operation was already awaited, or its result was read before " +
                                                "it completed. Await each Put()/Get() once, directly.");
        WaitOutcome outcome = w.Co.EndWait();
        QueueWaiterState state = w.State;
        value = w.Value;
        ReturnWaiter(w);
        if (outcome == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
        if (state == QueueWaiterState.Pending)
            throw new InvalidOperationException("The result of a CoQueue operation was read before it completed. Await it instead.");
        return state;
    }

    /// <summary>The node's IWaitSite.TryCancelWait: drop a waiter that has not been handed off yet.</summary>
    internal bool TryCancel(QueueWaiter<T> w)
    {
        if (!w.Linked) return false;
        if (w.IsWriter) _writers.Remove(w); else _readers.Remove(w);
        return true;
    }

    /// <summary>Ends an enumerator's parked read because its token fired (called on the scheduler's thread).</summary>
    internal void CancelByToken(QueueWaiter<T> w)
    {
        if (!w.Linked) return; // already handed a value (kept), closed, or cancelled
        _readers.Remove(w);
        Finish(w, QueueWaiterState.TokenCancelled);
    }

    private void Finish(QueueWaiter<T> w, QueueWaiterState state)
    {
        w.State = state;
        _scheduler.Wake(w.Co);
    }

    internal bool IsClosedCore => _closed;

    internal Exception? CloseError => _closeError;

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void ThrowClosed()
    {
        if (_closeError is { } error) ExceptionDispatchInfo.Throw(error);
        throw new QueueClosedException();
    }

    internal string DescribeWait(bool writer)
    {
        string type = $"CoQueue<{typeof(T).Name}>";
        if (!writer) return $"{type}.Get ({_readers.Count} reader{(_readers.Count == 1 ? "" : "s")} parked)";
        return $"{type}.Put ({_writers.Count} writer{(_writers.Count == 1 ? "" : "s")} parked, {_count}/{_capacity} buffered)";
    }

    // ----- the ring buffer -----

    private void Enqueue(T item)
    {
        T[] items = _items;
        if (_count == items.Length) items = Grow();
        items[(_head + _count) & (items.Length - 1)] = item;
        _count++;
    }

    private T Dequeue()
    {
        T[] items = _items;
        int head = _head;
        T item = items[head];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>()) items[head] = default!;
        _head = (head + 1) & (items.Length - 1);
        _count--;
        return item;
    }

    private void DropOldest() => Dequeue();

    private void ClearBuffer()
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>()) Array.Clear(_items);
        _head = 0;
        _count = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private T[] Grow()
    {
        T[] old = _items;
        int length = old.Length == 0
            ? (int)BitOperations.RoundUpToPowerOf2((uint)Math.Min(_capacity, InitialBufferLength))
            : old.Length * 2;
        var bigger = new T[length];
        int firstPart = Math.Min(_count, old.Length - _head);
        Array.Copy(old, _head, bigger, 0, firstPart);
        Array.Copy(old, 0, bigger, firstPart, _count - firstPart);
        _items = bigger;
        if (!_closed) _fastPutLimit = Math.Min(_capacity, bigger.Length);
        _head = 0;
        return bigger;
    }
}
