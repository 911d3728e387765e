using System;

namespace CoSched;

/// <summary>
/// The timer a coroutine sleeps on (the wait site of <c>Co.Sleep</c>). Pooled by its loop: rented when a coroutine
/// parks, returned when it fires or when a cancel removes it from the heap, so sleeping allocates nothing in steady state.
/// </summary>
internal sealed class SleepTimer : TimerEntry, IWaitSite
{
    private readonly EventLoopBase _loop;
    internal Coroutine? Sleeper;
    internal SleepTimer? NextFree;

    internal SleepTimer(EventLoopBase loop) => _loop = loop;

    internal override void Fire()
    {
        Coroutine co = Sleeper!;
        Sleeper = null;
        // The entry goes back to the pool now; the coroutine must not keep pointing at it while it waits in the ready queue.
        co.Site = null;
        _loop.ReturnSleepTimer(this);
        co.Scheduler.Wake(co);
    }

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        if (!ReferenceEquals(Sleeper, waiter) || !IsScheduled) return false;
        _loop.Unschedule(this);
        Sleeper = null;
        _loop.ReturnSleepTimer(this);
        return true;
    }

    string IWaitSite.Describe() => $"Co.Sleep until {new TimeSpan(Deadline)}";
}
