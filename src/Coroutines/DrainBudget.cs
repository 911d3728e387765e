using System;
using System.Diagnostics;

namespace CoSched;

/// <summary>
/// How much one drain may run: a number of coroutine steps, a time slice (checked between steps: one step is never
/// preempted), both, or unlimited (the default).
/// </summary>
public readonly struct DrainBudget
{
    /// <summary>Maximum steps; 0 means no step limit.</summary>
    public int MaxSteps { get; }

    /// <summary>Maximum time, in <see cref="Stopwatch"/> ticks; 0 means no time limit.</summary>
    internal long MaxStopwatchTicks { get; }

    private DrainBudget(int maxSteps, long maxTicks)
    {
        MaxSteps = maxSteps;
        MaxStopwatchTicks = maxTicks;
    }

    /// <summary>No limit: run until nothing is immediately ready.</summary>
    public static DrainBudget Unlimited => default;

    /// <summary>Posted work and due timers only, no coroutine step (RunAsyncMain's drain of what came before main).</summary>
    internal static DrainBudget PostedWorkOnly => new(-1, 0);

    /// <summary>At most <paramref name="maxSteps"/> coroutine steps.</summary>
    public static DrainBudget Steps(int maxSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        return new DrainBudget(maxSteps, 0);
    }

    /// <summary>Stop starting new steps once <paramref name="slice"/> has elapsed.</summary>
    public static DrainBudget Time(TimeSpan slice)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(slice, TimeSpan.Zero);
        return new DrainBudget(0, Math.Max(1, (long)(slice.TotalSeconds * Stopwatch.Frequency)));
    }

    /// <summary>This budget with an added step limit.</summary>
    public DrainBudget WithMaxSteps(int maxSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        return new DrainBudget(maxSteps, MaxStopwatchTicks);
    }

    /// <summary>The time slice, or null when there is none.</summary>
    public TimeSpan? TimeSlice => MaxStopwatchTicks == 0 ? null : TimeSpan.FromSeconds((double)MaxStopwatchTicks / Stopwatch.Frequency);
}
