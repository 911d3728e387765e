using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// A pending <see cref="CoQueue{T}.Get"/>. The get happens when it is awaited: <see cref="GetAwaiter"/> takes an item
/// at once if one is available, else prepares a pooled waiter node that the await parks (so every copy of the awaiter
/// the compiler makes refers to the same node).
/// </summary>
public readonly struct QueueGetAwaitable<T>
{
    private readonly CoQueue<T> _queue;
    private readonly Coroutine _co;

    internal QueueGetAwaitable(CoQueue<T> queue, Coroutine co)
    {
        _queue = queue;
        _co = co;
    }

    /// <summary>Starts the get; used by <c>await</c>.</summary>
    /// <exception cref="QueueClosedException">The queue is closed and drained (or the close error).</exception>
    public Awaiter GetAwaiter()
    {
        CoQueue<T> queue = _queue ?? throw new InvalidOperationException("This QueueGetAwaitable is default; get one from CoQueue.Get().");
        if (queue.TryTakeCore(out T item)) return new Awaiter(null, 0, item);
        if (queue.IsClosedCore) queue.ThrowClosed();
        QueueWaiter<T> w = queue.RentWaiter(_co, isWriter: false, default!);
        return new Awaiter(w, w.Version, default!);
    }

    /// <summary>The awaiter of a <see cref="CoQueue{T}.Get"/>.</summary>
    public readonly struct Awaiter : ICriticalNotifyCompletion, ICoAwaiter<Awaiter>
    {
        private readonly QueueWaiter<T>? _waiter;
        private readonly int _version;
        private readonly T _item;

        internal Awaiter(QueueWaiter<T>? waiter, int version, T item)
        {
            _waiter = waiter;
            _version = version;
            _item = item;
        }

        /// <summary>True when an item was taken at once; otherwise throws if the coroutine is being cancelled.</summary>
        public bool IsCompleted
        {
            get
            {
                if (_waiter is null) return true;
                _waiter.Queue.ThrowIfCancelledBeforePark(_waiter);
                return false;
            }
        }

        /// <inheritdoc />
        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        /// <inheritdoc />
        public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

        void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

        /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
        internal void ParkCo(object continuation) => _waiter!.Queue.ParkReader(_waiter, continuation);

        /// <summary>Returns the item; throws if the queue closed or the wait was cancelled before a hand-off.</summary>
        public T GetResult()
        {
            QueueWaiter<T>? w = _waiter;
            if (w is null) return _item;
            CoQueue<T> queue = w.Queue;
            if (queue.EndWait(w, _version, out T item) != QueueWaiterState.Done) queue.ThrowClosed();
            return item;
        }
    }
}
