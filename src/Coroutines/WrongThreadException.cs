using System;
using System.Threading;

namespace CoSched;

/// <summary>
/// Thrown when CoSched state is touched from a thread that is not the scheduler's own.
/// Other threads reach a scheduler only through <see cref="Scheduler.Post(Action)"/> (and the event loop's InvokeAsync).
/// </summary>
public sealed class WrongThreadException : InvalidOperationException
{
    /// <summary>Creates the exception with a message naming both threads.</summary>
    public WrongThreadException(string member, int schedulerThreadId, string? schedulerThreadName)
        : base(Describe(member, schedulerThreadId, schedulerThreadName)) { }

    /// <summary>Creates the exception with a custom message.</summary>
    public WrongThreadException(string message) : base(message) { }

    private static string Describe(string member, int ownerId, string? ownerName)
    {
        Thread t = Thread.CurrentThread;
        return $"{member} was called from thread {t.ManagedThreadId} ('{t.Name ?? "unnamed"}'), but this scheduler " +
               $"belongs to thread {ownerId} ('{ownerName ?? "unnamed"}'). CoSched state is single-threaded: from other " +
               "threads use scheduler.Post(...) (or InvokeAsync with an event loop) to run the call on the scheduler's thread.";
    }
}
