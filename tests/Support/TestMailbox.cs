using System;
using System.Runtime.CompilerServices;

namespace CoSched.Tests;

/// <summary>
/// A test-local one-slot mailbox built like the core primitives (an IWaitSite with a parked reader), so deadlock tests
/// do not depend on CoQueue (written on another branch). One reader at a time.
/// </summary>
internal sealed class TestMailbox<T> : IWaitSite
{
    private readonly Scheduler _scheduler;
    private readonly string _name;
    private T _value = default!;
    private bool _hasValue;
    private Coroutine? _reader;
    private T _handed = default!;

    public TestMailbox(Scheduler scheduler, string name)
    {
        _scheduler = scheduler;
        _name = name;
    }

    public void Put(T value)
    {
        if (_reader is { } r)
        {
            _reader = null;
            _handed = value;
            _scheduler.Wake(r);
            return;
        }
        if (_hasValue) throw new InvalidOperationException("mailbox full");
        _value = value;
        _hasValue = true;
    }

    public Awaitable Get() => new(this, _scheduler.CurrentForAwait("TestMailbox.Get()"));

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        if (!ReferenceEquals(_reader, waiter)) return false;
        _reader = null;
        return true;
    }

    string IWaitSite.Describe() => $"TestMailbox '{_name}'.Get";

    public readonly struct Awaitable : ICriticalNotifyCompletion, ICoAwaiter
    {
        private readonly TestMailbox<T> _box;
        private readonly Coroutine _co;

        internal Awaitable(TestMailbox<T> box, Coroutine co)
        {
            _box = box;
            _co = co;
        }

        public Awaitable GetAwaiter() => this;

        public bool IsCompleted
        {
            get
            {
                if (_box._hasValue) return true;
                _co.ThrowIfCancelled();
                return false;
            }
        }

        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        public void UnsafeOnCompleted(Action continuation)
        {
            _co.Park(continuation, _box);
            _box._reader = _co;
        }

        public T GetResult()
        {
            switch (_co.EndWait())
            {
                case WaitOutcome.Cancelled:
                    Coroutine.ThrowCancelled();
                    return default!;
                case WaitOutcome.Signaled:
                    T handed = _box._handed;
                    _box._handed = default!;
                    return handed;
                default:
                    T v = _box._value;
                    _box._value = default!;
                    _box._hasValue = false;
                    return v;
            }
        }
    }
}
