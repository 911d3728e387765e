using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace CoSched.Tests;

/// <summary>
/// A test-local event loop whose clock moves only when the test calls <see cref="Advance"/>: sleeps are deterministic
/// and never touch the wall clock. Stands in for the virtual-clock loop of CoSched.EventLoop, which is written on another
/// branch; replace it by that loop once merged (the merged IEventLoop has internal members this fake does not have).
/// </summary>
internal sealed class FakeClock : IEventLoop, IWaitSite
{
    private readonly List<(TimeSpan Due, Coroutine Co)> _sleepers = new();

    public TimeSpan Now { get; private set; }

    public bool HasPendingTimers => _sleepers.Count > 0;

    public TimeSpan? NextDeadline
    {
        get
        {
            TimeSpan? next = null;
            foreach ((TimeSpan due, _) in _sleepers) if (next is null || due < next) next = due;
            return next;
        }
    }

    public CoTask Sleep(TimeSpan delay) => SleepCore(Now + delay);

    private async CoTask SleepCore(TimeSpan due) => await new SleepAwaitable(this, Co.CurrentCoroutine("FakeClock.Sleep"), due);

    /// <summary>Moves the clock and wakes every sleeper whose deadline has come.</summary>
    public void Advance(TimeSpan by)
    {
        Now += by;
        for (int i = 0; i < _sleepers.Count;)
        {
            if (_sleepers[i].Due <= Now)
            {
                Coroutine co = _sleepers[i].Co;
                _sleepers.RemoveAt(i);
                co.Scheduler.Wake(co);
            }
            else i++;
        }
    }

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        int i = _sleepers.FindIndex(x => ReferenceEquals(x.Co, waiter));
        if (i < 0) return false;
        _sleepers.RemoveAt(i);
        return true;
    }

    string IWaitSite.Describe() => "a fake-clock sleep";

    private readonly struct SleepAwaitable : ICriticalNotifyCompletion, ICoAwaiter
    {
        private readonly FakeClock _clock;
        private readonly Coroutine _co;
        private readonly TimeSpan _due;

        internal SleepAwaitable(FakeClock clock, Coroutine co, TimeSpan due)
        {
            _clock = clock;
            _co = co;
            _due = due;
        }

        public SleepAwaitable GetAwaiter() => this;

        public bool IsCompleted
        {
            get
            {
                if (_due <= _clock.Now) return true;
                _co.ThrowIfCancelled();
                return false;
            }
        }

        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        public void UnsafeOnCompleted(Action continuation)
        {
            _co.Park(continuation, _clock);
            _clock._sleepers.Add((_due, _co));
        }

        public void GetResult()
        {
            if (_co.EndWait() == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
        }
    }
}
