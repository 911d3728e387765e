using System;

namespace CoSched.Bench;

/// <summary>Drains a scheduler and fails loudly if the scenario did not run to completion (a broken scenario must not
/// print a fast, meaningless number).</summary>
internal static class Drain
{
    internal static void ToCompletion(Scheduler scheduler)
    {
        DrainResult r = scheduler.RunUntilIdle();
        if (r.Status != DrainStatus.Completed)
            throw new InvalidOperationException($"scenario did not complete: {r.Status}{Environment.NewLine}{r.Deadlock}");
    }

    internal static void Check(long actual, long expected, string what)
    {
        if (actual != expected)
            throw new InvalidOperationException($"scenario broken: {what} = {actual}, expected {expected}");
    }
}
