using System;

namespace CoSched;

/// <summary>Deadline arithmetic shared by the clocks and the timer heap.</summary>
internal static class LoopTime
{
    /// <summary><paramref name="a"/> + <paramref name="b"/> (b >= 0), saturating at <see cref="TimeSpan.MaxValue"/> instead of overflowing.</summary>
    internal static TimeSpan Add(TimeSpan a, TimeSpan b) =>
        a.Ticks > TimeSpan.MaxValue.Ticks - b.Ticks ? TimeSpan.MaxValue : new TimeSpan(a.Ticks + b.Ticks);
}
