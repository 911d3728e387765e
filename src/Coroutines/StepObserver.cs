namespace CoSched;

/// <summary>
/// Times each coroutine step while attached to a scheduler (<see cref="Scheduler.StepObserver"/>), for hosts that report
/// the longest step of a frame and the steps that exceed a threshold (the coroutine that hitched a frame). Without one
/// attached, a step pays a single null test.
/// </summary>
internal abstract class StepObserver
{
    /// <summary>The longest step seen since the host last reset it, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    internal long LongestTicks;

    /// <summary>Steps at least this long (Stopwatch ticks) are reported to <see cref="OnLongStep"/>; 0 reports none.</summary>
    internal long ThresholdTicks;

    /// <summary>
    /// Called on the scheduler's thread, inside the drain but outside any coroutine, right after a step of at least
    /// <see cref="ThresholdTicks"/>. The coroutine may have ended and been recycled: its identity is passed by value.
    /// Must not throw and should only record (hosts report after the drain).
    /// </summary>
    internal abstract void OnLongStep(string? name, string? file, int line, string? member, long ticks);
}
