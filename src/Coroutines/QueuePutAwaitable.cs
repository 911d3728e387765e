using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// A pending <see cref="CoQueue{T}.Put"/>. The put happens when it is awaited: <see cref="GetAwaiter"/> checks the
/// thread and the coroutine, then hands off or buffers the item at once when it can, else prepares a pooled waiter node
/// holding the item for the await to park. It holds no coroutine: whichever coroutine awaits it makes the put.
/// </summary>
public readonly struct QueuePutAwaitable<T>
{
    private readonly CoQueue<T> _queue;
    private readonly T _item;

    internal QueuePutAwaitable(CoQueue<T> queue, T item)
    {
        _queue = queue;
        _item = item;
    }

    /// <summary>Starts the put; used by <c>await</c>.</summary>
    /// <exception cref="QueueClosedException">The queue is closed (or the close error).</exception>
    /// <exception cref="InvalidOperationException">Awaited outside any coroutine.</exception>
    /// <exception cref="WrongThreadException">Awaited on a thread other than the scheduler's.</exception>
    public Awaiter GetAwaiter()
    {
        CoQueue<T> queue = _queue ?? throw new InvalidOperationException("This QueuePutAwaitable is default; get one from CoQueue.Put().");
        // The thread check is here, where the queue changes, not in Put(): an awaitable carried to another thread is refused.
        Coroutine co = queue.Scheduler.CurrentForAwait("CoQueue.Put()");
        co.CheckCanParkVerified(); // even before the item is put at once (see Coroutine.CheckCanPark)
        if (queue.TryPutCore(_item, discard: true)) return default;
        QueueWaiter<T> w = queue.RentWaiter(co, isWriter: true, _item);
        return new Awaiter(w, w.Version);
    }

    /// <summary>The awaiter of a <see cref="CoQueue{T}.Put"/>.</summary>
    public readonly struct Awaiter : ICriticalNotifyCompletion, ICoAwaiter<Awaiter>
    {
        private readonly QueueWaiter<T>? _waiter;
        private readonly int _version;

        internal Awaiter(QueueWaiter<T> waiter, int version)
        {
            _waiter = waiter;
            _version = version;
        }

        /// <summary>True when the item was put at once; otherwise throws if the coroutine is being cancelled.</summary>
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
        internal void ParkCo(object continuation) => _waiter!.Queue.ParkWriter(_waiter, continuation);

        /// <summary>Returns once the item is in the queue; throws if the queue closed or the wait was cancelled first.</summary>
        public void GetResult()
        {
            QueueWaiter<T>? w = _waiter;
            if (w is null) return;
            CoQueue<T> queue = w.Queue;
            if (queue.EndWait(w, _version, out _) != QueueWaiterState.Done) queue.ThrowClosed();
        }
    }
}
