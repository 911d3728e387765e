using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// A pending <see cref="CoQueue{T}.Get"/>. The get happens when it is awaited: <see cref="GetAwaiter"/> checks the
/// thread and the coroutine, then takes an item at once if one is available, else prepares a pooled waiter node that the
/// await parks (so every copy of the awaiter the compiler makes refers to the same node). It holds no coroutine:
/// whichever coroutine awaits it makes the get.
/// </summary>
public readonly struct QueueGetAwaitable<T>
{
    private readonly CoQueue<T> _queue;

    internal QueueGetAwaitable(CoQueue<T> queue) => _queue = queue;

    /// <summary>Starts the get; used by <c>await</c>.</summary>
    /// <exception cref="QueueClosedException">The queue is closed and drained (or the close error).</exception>
    /// <exception cref="InvalidOperationException">Awaited outside any coroutine.</exception>
    /// <exception cref="WrongThreadException">Awaited on a thread other than the scheduler's.</exception>
    public Awaiter GetAwaiter()
    {
        CoQueue<T> queue = _queue ?? throw new InvalidOperationException("This QueueGetAwaitable is default; get one from CoQueue.Get().");
        // The thread check is here, where the queue changes, not in Get(): an awaitable carried to another thread is refused.
        Coroutine co = queue.Scheduler.CurrentForAwait("CoQueue.Get()");
        co.CheckCanParkVerified(); // even before an item is taken at once (see Coroutine.CheckCanPark)
        if (queue.TryTakeCore(out T item)) return new Awaiter(null, 0, item);
        if (queue.IsClosedCore) queue.ThrowClosed();
        QueueWaiter<T> w = queue.RentWaiter(co, isWriter: false, default!);
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
                _waiter.Queue.CheckBeforePark(_waiter);
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
