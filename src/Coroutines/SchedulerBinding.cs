using System;

namespace CoSched;

/// <summary>Finds the scheduler a primitive binds to when its constructor is not given one.</summary>
internal static class SchedulerBinding
{
    /// <summary>
    /// Returns <paramref name="scheduler"/>, or the scheduler of the coroutine running on this thread; checks that the
    /// caller is on that scheduler's thread.
    /// </summary>
    internal static Scheduler Resolve(Scheduler? scheduler, string what)
    {
        Scheduler s = scheduler ?? Scheduler.Current ?? throw new InvalidOperationException(
            $"{what} was created outside any coroutine without a scheduler. Pass the scheduler explicitly " +
            "(primitives belong to one scheduler), or create it inside a coroutine to use that coroutine's scheduler.");
        s.CheckThread(what);
        return s;
    }
}
