using System;

namespace CoSched.Host;

/// <summary>What one <see cref="GameLoopHost.Tick(TimeSpan, DrainBudget)"/> did: the drain's result plus the frame's timing.</summary>
public readonly struct TickResult
{
    internal TickResult(long frame, TimeSpan gameDelta, TimeSpan gameTime, DrainResult drain, TimeSpan drainTime, TimeSpan? longestStep)
    {
        Frame = frame;
        GameDelta = gameDelta;
        GameTime = gameTime;
        Drain = drain;
        DrainTime = drainTime;
        LongestStep = longestStep;
    }

    /// <summary>The tick's number (1 for the first tick).</summary>
    public long Frame { get; }

    /// <summary>The game time this tick advanced: the delta x time scale, zero while paused.</summary>
    public TimeSpan GameDelta { get; }

    /// <summary>The host clock after the advance.</summary>
    public TimeSpan GameTime { get; }

    /// <summary>The drain's result: status, steps, rounds, next deadline (game time).</summary>
    public DrainResult Drain { get; }

    /// <summary>Shortcut for <c>Drain.Status</c>.</summary>
    public DrainStatus Status => Drain.Status;

    /// <summary>True when the budget ran out with coroutines still ready; they run first in the next tick.</summary>
    public bool BudgetExhausted => Drain.Status == DrainStatus.BudgetExhausted;

    /// <summary>Wall-clock time the drain took (releasing frame waiters, firing timers, running the steps).</summary>
    public TimeSpan DrainTime { get; }

    /// <summary>
    /// The longest single step of the drain (wall clock), or null when step timing is off
    /// (<see cref="GameLoopHost.MeasureSteps"/>). A time slice is checked between steps, so this is how far one step can overrun it.
    /// </summary>
    public TimeSpan? LongestStep { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"tick {Frame}: {Drain}, drain {DrainTime.TotalMilliseconds:0.###} ms" +
        (LongestStep is { } l ? $", longest step {l.TotalMilliseconds:0.###} ms" : "");
}
