using System;

namespace CoSched;

/// <summary>
/// Thrown by time- and IO-related calls (<c>Co.Sleep</c>, timers, timeouts, <c>Co.RunBlocking</c>) on a scheduler
/// that has no event loop attached. Attach one (native, virtual or host clock) or drive time yourself.
/// </summary>
public sealed class EventLoopRequiredException : NotSupportedException
{
    /// <summary>Creates the exception for the named call.</summary>
    public EventLoopRequiredException(string call)
        : base($"{call} needs an event loop, and this scheduler has none. Run under an event loop (the native loop's " +
               "Run, a virtual clock, or a game host's clock from CoSched.EventLoop/CoSched.Host), or attach one with " +
               "scheduler.AttachEventLoop(...) before starting coroutines.") { }
}
