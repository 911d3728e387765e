using System;

namespace CoSched;

/// <summary>
/// The time source of an event loop. Monotonic: <see cref="Now"/> never goes backwards. Read on the scheduler's thread
/// only (the loop reads it when it fires timers and computes deadlines).
/// </summary>
public abstract class LoopClock
{
    /// <summary>The clock's current time, measured from its own origin (its creation, for the system clock).</summary>
    public abstract TimeSpan Now { get; }
}
