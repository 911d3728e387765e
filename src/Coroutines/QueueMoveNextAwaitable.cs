using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// A pending <see cref="CoQueueEnumerator{T}.MoveNextAsync"/>: like <see cref="QueueGetAwaitable{T}"/>, but a queue
/// closed without an error ends the loop (false) instead of throwing, and the item goes to
/// <see cref="CoQueueEnumerator{T}.Current"/>.
/// </summary>
public readonly struct QueueMoveNextAwaitable<T>
{
    private readonly CoQueueEnumerator<T> _enumerator;

    internal QueueMoveNextAwaitable(CoQueueEnumerator<T> enumerator) => _enumerator = enumerator;

    /// <summary>Starts the read; used by <c>await</c>.</summary>
    public Awaiter GetAwaiter()
    {
        CoQueueEnumerator<T> e = _enumerator ?? throw new InvalidOperationException(
            "This QueueMoveNextAwaitable is default; get one from CoQueueEnumerator.MoveNextAsync().");
        // The thread check is here, where the queue changes: an awaitable carried to another thread is refused.
        Coroutine co = e.Queue.Scheduler.CurrentForAwait("CoQueueEnumerator.MoveNextAsync()");
        co.CheckCanParkVerified(); // even before an item is read at once (see Coroutine.CheckCanPark)
        return e.BeginMoveNext(co);
    }

    /// <summary>The awaiter of a <see cref="CoQueueEnumerator{T}.MoveNextAsync"/>.</summary>
    public readonly struct Awaiter : ICriticalNotifyCompletion, ICoAwaiter<Awaiter>
    {
        private readonly CoQueueEnumerator<T> _enumerator;
        private readonly QueueWaiter<T>? _waiter;
        private readonly int _version;
        private readonly bool _result;

        internal Awaiter(CoQueueEnumerator<T> enumerator, QueueWaiter<T>? waiter, int version, bool result)
        {
            _enumerator = enumerator;
            _waiter = waiter;
            _version = version;
            _result = result;
        }

        /// <summary>True when the read finished at once; otherwise throws if the coroutine is being cancelled.</summary>
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
        internal void ParkCo(object continuation) => _enumerator.Park(_waiter!, continuation);

        /// <summary>True with <see cref="CoQueueEnumerator{T}.Current"/> set to the next item; false once the queue closed.</summary>
        public bool GetResult() => _waiter is null ? _result : _enumerator.EndMoveNext(_waiter, _version);
    }
}
