using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace CoSched;

public static partial class Co
{
    /// <summary>
    /// Runs the bodies concurrently (at most <paramref name="maxConcurrency"/> at a time) in a task group and returns the
    /// result of the first one to succeed; the others are cancelled (and awaited) before this returns, and bodies not
    /// started yet never start. A failure fails the whole call at once (task-group rules), unless
    /// <paramref name="allowFailure"/>: then failures are skipped (the next body starts in its place) and, if every body
    /// fails, the first failure is rethrown.
    /// </summary>
    /// <param name="bodies">The bodies (at least one); each is called at most once. The list must not change while this runs.</param>
    /// <param name="maxConcurrency">The most bodies running at once; 0 means no limit.</param>
    /// <param name="allowFailure">Skip failed bodies instead of failing at the first failure.</param>
    /// <param name="name">A name for diagnostics (the group and its workers).</param>
    /// <param name="member">Filled in by the compiler: the workers' spawn site.</param>
    /// <param name="file">Filled in by the compiler: the workers' spawn site.</param>
    /// <param name="line">Filled in by the compiler: the workers' spawn site.</param>
    /// <exception cref="ArgumentException"><paramref name="bodies"/> is empty (there would be no first result).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    public static CoTask<T> WhenAny<T>(IReadOnlyList<Func<CoTask<T>>> bodies, int maxConcurrency = 0, bool allowFailure = false,
        string? name = null, [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        CheckBodies(bodies, maxConcurrency);
        if (bodies.Count == 0)
            throw new ArgumentException("Co.WhenAny needs at least one body: with none there is no first result to return.", nameof(bodies));
        CurrentCoroutine("Co.WhenAny"); // fail at the call site, not inside the returned task
        var run = new WhenAnyRun<T>(bodies, maxConcurrency, allowFailure, name, file, line, member);
        return run.RunAsync();
    }
}

/// <summary>
/// One WhenAny call: workers (the group body plus spawned background children) take the next body index; the first
/// success records its value and calls ReturnImmediately, which cancels every other worker. The group is a void one, so
/// the body may finish its own share of the work and return while other workers still run.
/// </summary>
internal sealed class WhenAnyRun<T>(IReadOnlyList<Func<CoTask<T>>> bodies, int maxConcurrency, bool allowFailure,
                                    string? name, string? file, int line, string? member)
{
    private TaskGroup _group;
    private int _next;
    private int _failed;
    private ExceptionDispatchInfo? _firstError;
    private T _winner = default!;

    internal async CoTask<T> RunAsync()
    {
        // Without a failure the group ends only through ReturnImmediately (the last body either won or failed, and a
        // last failure throws), so _winner is set when this returns.
        await Co.WithTaskGroup(Body, name, member, file, line);
        return _winner;
    }

    private CoTask Body(TaskGroup group)
    {
        _group = group;
        int workers = Co.WorkerCount(bodies.Count, maxConcurrency);
        Func<CoTask> worker = Work;
        for (int i = 1; i < workers; i++) group.SpawnBackground(worker, name: name, member: member, file: file, line: line);
        return Work();
    }

    private async CoTask Work()
    {
        int i;
        // Once the group is cancelling (a body won, one failed, or the caller is cancelled), no further body starts, even
        // after a failure that allowFailure skips (reliability bug 16).
        while (!_group.IsCancelling && (i = _next++) < bodies.Count)
        {
            T value;
            try
            {
                value = await bodies[i]();
            }
            catch (Exception e) when (allowFailure && !(e is OperationCanceledException && Co.IsBeingCancelled))
            {
                _firstError ??= ExceptionDispatchInfo.Capture(e);
                if (++_failed == bodies.Count) _firstError.Throw(); // every body failed: fail the group with the first error
                continue;
            }
            if (_group.IsCancelling) return; // another body won in this same round (or the group is failing)
            _winner = value;
            _group.ReturnImmediately(); // throws CancelledException: this worker is a child of the group
        }
    }
}
