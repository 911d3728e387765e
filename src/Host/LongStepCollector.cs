using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace CoSched.Host;

/// <summary>
/// The host's step timer: keeps the longest step of the current drain and records the steps over the threshold, which
/// the host reports after the drain (so the report callback runs outside the drain and may do anything).
/// </summary>
internal sealed class LongStepCollector : StepObserver
{
    private List<LongStep>? _pending;

    /// <summary>The tick being drained, stamped on the records.</summary>
    internal long Frame;

    internal override void OnLongStep(string? name, string? file, int line, string? member, long ticks) =>
        (_pending ??= new List<LongStep>()).Add(new LongStep(name, file, line, member, Stopwatch.GetElapsedTime(0, ticks), Frame));

    /// <summary>Hands the recorded long steps to <paramref name="report"/> (if any) and forgets them.</summary>
    internal void Flush(Action<LongStep>? report)
    {
        if (_pending is not { Count: > 0 } pending) return;
        LongStep[] batch = pending.ToArray();
        pending.Clear();
        if (report is null) return;
        foreach (LongStep step in batch) report(step);
    }
}
