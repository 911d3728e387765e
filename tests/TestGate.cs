using System;
using System.Runtime.CompilerServices;

namespace CoSched.Tests;

/// <summary>
/// A test-local primitive: coroutines wait until the test (or another coroutine) opens it. Lets tests decide exactly
/// when something happens instead of counting rounds. Built like the library's primitives (intrusive wait list, site).
/// </summary>
internal sealed class TestGate : IWaitSite
{
    private WaitList _waiters;
    private bool _open;

    public int Waiting => _waiters.Count;

    public Awaitable Wait() => new(this, Co.CurrentCoroutine("TestGate.Wait()"));

    /// <summary>Wakes every waiter; later waits complete at once.</summary>
    public void Open()
    {
        _open = true;
        while (_waiters.RemoveFirst() is { } w) w.Scheduler.Wake(w);
    }

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        if (!waiter.InWaitList) return false;
        _waiters.Remove(waiter);
        return true;
    }

    string IWaitSite.Describe() => "a test gate";

    public readonly struct Awaitable : ICriticalNotifyCompletion, ICoAwaiter<Awaitable>
    {
        private readonly TestGate _gate;
        private readonly Coroutine _co;

        internal Awaitable(TestGate gate, Coroutine co)
        {
            _gate = gate;
            _co = co;
        }

        public Awaitable GetAwaiter() => this;

        public bool IsCompleted
        {
            get
            {
                if (_gate._open) return true;
                _co.ThrowIfCancelled();
                return false;
            }
        }

        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

        // A CoSched awaiter outside the builder's fast type checks: parked through its type's CoAwaiterParker.
        public void ParkCo(object continuation)
        {
            _co.Park(continuation, _gate);
            _gate._waiters.Add(_co);
        }

        public void GetResult()
        {
            if (_co.EndWait() == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
        }
    }
}
