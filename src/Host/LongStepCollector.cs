using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

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

    /// <summary>
    /// Hands every recorded long step to <paramref name="report"/> (if any) and forgets them. A throwing report does not
    /// stop the others: the exceptions are rethrown after the last one (one as is, several in an AggregateException).
    /// </summary>
    internal void Flush(Action<LongStep>? report)
    {
        if (_pending is not { Count: > 0 } pending) return;
        LongStep[] batch = pending.ToArray();
        pending.Clear();
        if (report is null) return;
        List<Exception>? errors = null;
        foreach (LongStep step in batch)
        {
            try { report(step); }
            catch (Exception e) { (errors ??= new List<Exception>()).Add(e); }
        }
        if (errors is null) return;
        if (errors.Count == 1) ExceptionDispatchInfo.Throw(errors[0]);
        throw new AggregateException(errors);
    }
}
