namespace CoSched.Host;

/// <summary>
/// The wait of <c>Co.DelayFrames(n)</c> for n >= 2: an entry in the host's frame heap, keyed by the tick it resumes in
/// (<see cref="TimerEntry.Deadline"/> holds a frame number, not a time). Pooled by its host.
/// </summary>
internal sealed class FrameTimer : TimerEntry, IWaitSite
{
    private readonly GameLoopHost _host;
    internal Coroutine? Waiter;
    internal FrameTimer? NextFree;

    internal FrameTimer(GameLoopHost host) => _host = host;

    internal override void Fire()
    {
        Coroutine co = Waiter!;
        Waiter = null;
        co.Site = null; // the entry goes back to the pool now
        _host.ReturnFrameTimer(this);
        _host.ReleaseFrameWaiter(co);
    }

    bool IWaitSite.TryCancelWait(Coroutine waiter)
    {
        if (!ReferenceEquals(Waiter, waiter) || !IsScheduled) return false;
        _host.UnscheduleFrameTimer(this);
        Waiter = null;
        _host.ReturnFrameTimer(this);
        return true;
    }

    string IWaitSite.Describe() => $"Co.DelayFrames until tick {Deadline}";
}
