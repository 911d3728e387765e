using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace CoSched;

public static partial class Co
{
    /// <summary>
    /// Runs every body concurrently (at most <paramref name="maxConcurrency"/> at a time) in a task group and returns
    /// their results in input order. The first failure cancels the bodies still running and is rethrown once they have
    /// ended (task-group rules); bodies not started yet never start. Cancelling the caller cancels them all.
    /// </summary>
    /// <param name="bodies">The bodies; each is called once. The list must not change while this runs.</param>
    /// <param name="maxConcurrency">The most bodies running at once; 0 means no limit.</param>
    /// <param name="name">A name for diagnostics (the group and its workers).</param>
    /// <param name="member">Filled in by the compiler: the workers' spawn site.</param>
    /// <param name="file">Filled in by the compiler: the workers' spawn site.</param>
    /// <param name="line">Filled in by the compiler: the workers' spawn site.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    public static CoTask<T[]> WhenAll<T>(IReadOnlyList<Func<CoTask<T>>> bodies, int maxConcurrency = 0, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        CheckBodies(bodies, maxConcurrency);
        var run = new WhenAllRun<T>(bodies, maxConcurrency, name, file, line, member);
        return WithTaskGroup<T[]>(run.Body, name, member, file, line);
    }

    /// <summary>
    /// Runs every body concurrently (at most <paramref name="maxConcurrency"/> at a time) and returns when all have
    /// ended; see <see cref="WhenAll{T}(IReadOnlyList{Func{CoTask{T}}}, int, string?, string?, string?, int)"/>.
    /// </summary>
    /// <param name="bodies">The bodies; each is called once. The list must not change while this runs.</param>
    /// <param name="maxConcurrency">The most bodies running at once; 0 means no limit.</param>
    /// <param name="name">A name for diagnostics (the group and its workers).</param>
    /// <param name="member">Filled in by the compiler: the workers' spawn site.</param>
    /// <param name="file">Filled in by the compiler: the workers' spawn site.</param>
    /// <param name="line">Filled in by the compiler: the workers' spawn site.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    public static CoTask WhenAll(IReadOnlyList<Func<CoTask>> bodies, int maxConcurrency = 0, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        CheckBodies(bodies, maxConcurrency);
        var run = new WhenAllRun(bodies, maxConcurrency, name, file, line, member);
        return WithTaskGroup(run.Body, name, member, file, line);
    }

    private static void CheckBodies<TBody>(IReadOnlyList<TBody> bodies, int maxConcurrency) where TBody : class
    {
        ArgumentNullException.ThrowIfNull(bodies);
        ArgumentOutOfRangeException.ThrowIfNegative(maxConcurrency);
        for (int i = 0; i < bodies.Count; i++)
            if (bodies[i] is null) throw new ArgumentException($"bodies[{i}] is null; every body must be a function.", nameof(bodies));
    }

    /// <summary>How many workers run the bodies: one per body, or the limit.</summary>
    internal static int WorkerCount(int bodies, int maxConcurrency) =>
        maxConcurrency == 0 || maxConcurrency > bodies ? bodies : maxConcurrency;
}

/// <summary>
/// One WhenAll call: workers (the group body plus spawned background children) take the next body index until none is
/// left, so at most maxConcurrency bodies run at once and a failure stops the rest from starting (the workers are
/// cancelled).
/// </summary>
internal sealed class WhenAllRun<T>(IReadOnlyList<Func<CoTask<T>>> bodies, int maxConcurrency, string? name,
                                    string? file, int line, string? member)
{
    private readonly T[] _results = bodies.Count == 0 ? Array.Empty<T>() : new T[bodies.Count];
    private TaskGroup<T[]> _group;
    private int _next;

    internal async CoTask<T[]> Body(TaskGroup<T[]> group)
    {
        _group = group;
        int workers = Co.WorkerCount(bodies.Count, maxConcurrency);
        Func<CoTask> worker = Work;
        for (int i = 1; i < workers; i++) group.SpawnBackground(worker, name: name, member: member, file: file, line: line);
        if (workers > 0) await Work();
        // The other workers may still fill the array: the group returns it only once they have all ended.
        return _results;
    }

    private async CoTask Work()
    {
        int i;
        // Once the group is cancelling (a body failed, or the caller is cancelled), no further body starts, even in a
        // worker whose body ended without noticing (its last suspension shielded, say): reliability bug 16.
        while (!_group.IsCancelling && (i = _next++) < bodies.Count) _results[i] = await bodies[i]();
    }
}

/// <summary>One WhenAll call over bodies without results; see <see cref="WhenAllRun{T}"/>.</summary>
internal sealed class WhenAllRun(IReadOnlyList<Func<CoTask>> bodies, int maxConcurrency, string? name,
                                 string? file, int line, string? member)
{
    private TaskGroup _group;
    private int _next;

    internal async CoTask Body(TaskGroup group)
    {
        _group = group;
        int workers = Co.WorkerCount(bodies.Count, maxConcurrency);
        Func<CoTask> worker = Work;
        for (int i = 1; i < workers; i++) group.SpawnBackground(worker, name: name, member: member, file: file, line: line);
        if (workers > 0) await Work();
    }

    private async CoTask Work()
    {
        int i;
        while (!_group.IsCancelling && (i = _next++) < bodies.Count) await bodies[i](); // see WhenAllRun<T>.Work
    }
}
