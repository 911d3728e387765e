using System.Diagnostics;

namespace CoSched;

public sealed partial class Scheduler
{
    /// <summary>
    /// When set (by a host, on this thread, between drains), every step is timed: the drain loop tests this field once
    /// per step and takes <see cref="TimedStep"/> instead of <see cref="Step"/>. Null costs that one test.
    /// </summary>
    internal StepObserver? StepObserver;

    /// <summary>A step timed for the attached <see cref="StepObserver"/> (two clock reads).</summary>
    private void TimedStep(Coroutine co)
    {
        StepObserver observer = StepObserver!;
        // Read before the step: a coroutine that ends in this step is recycled (its name cleared) inside it.
        string? name = co.Name, file = co.SpawnFile, member = co.SpawnMember;
        int line = co.SpawnLine;
        long start = Stopwatch.GetTimestamp();
        Step(co);
        long ticks = Stopwatch.GetTimestamp() - start;
        if (ticks > observer.LongestTicks) observer.LongestTicks = ticks;
        if (observer.ThresholdTicks != 0 && ticks >= observer.ThresholdTicks)
        {
            CurrentCoroutine = null; // the report runs outside any coroutine
            observer.OnLongStep(name, file, line, member, ticks);
        }
    }
}
