namespace CoSched;

/// <summary>
/// What a suspended coroutine waits on (a queue, a semaphore, another coroutine...). The scheduler asks it to drop the
/// waiter when the coroutine is cancelled, and names it in deadlock reports.
/// </summary>
internal interface IWaitSite
{
    /// <summary>
    /// Removes <paramref name="waiter"/> if it has not been handed a value/permit/signal yet, and returns true; the
    /// scheduler then wakes it with <see cref="CancelledException"/>. Returns false when the wait cannot be abandoned
    /// (already handed off, or a foreign operation that must run to completion).
    /// </summary>
    bool TryCancelWait(Coroutine waiter);

    /// <summary>A short description for reports, e.g. "CoQueue.Get (3 readers waiting)".</summary>
    string Describe();
}
