using System;
using System.Runtime.CompilerServices;

namespace CoSched;

public static partial class Co
{
    /// <summary>
    /// Runs <paramref name="body"/> as the first child of a new <see cref="TaskGroup"/> and returns when <em>every</em>
    /// child of the group has ended and its defers have run. Rethrows the group's first child failure (which cancelled
    /// the other children) or a defer's failure. If the calling coroutine is cancelled meanwhile, the children are
    /// cancelled, the call still waits for them to end (shielded) and then throws <see cref="CancelledException"/>.
    /// See <see cref="TaskGroup"/> for the full rules.
    /// </summary>
    /// <param name="body">The group's body: spawns children with <see cref="TaskGroup.Spawn(Func{CoTask}, bool, bool, string?, string?, string?, int)"/>.</param>
    /// <param name="name">A name for diagnostics: the body coroutine's name and the group's in "waiting on" texts.</param>
    /// <param name="member">Filled in by the compiler: the body's spawn site.</param>
    /// <param name="file">Filled in by the compiler: the body's spawn site.</param>
    /// <param name="line">Filled in by the compiler: the body's spawn site.</param>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    public static CoTask WithTaskGroup(Func<TaskGroup, CoTask> body, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        Coroutine caller = CurrentCoroutine("Co.WithTaskGroup");
        // Before any child starts: an opener that cannot wait for its children must not open a group (its record would
        // be released under live children).
        caller.CheckCanParkVerified();
        TaskGroupCore<VoidResult> core = TaskGroupCore<VoidResult>.Rent(caller, name);
        core.Start(body, file, line, member);
        return EndGroup(core);
    }

    /// <summary>
    /// Runs <paramref name="body"/> as the first child of a new <see cref="TaskGroup{T}"/> and returns the group's result:
    /// the body's return value, or the value passed to <see cref="TaskGroup{T}.ReturnImmediately(T)"/> if that came
    /// first. Returns only when every child has ended and the defers have run; failures and cancellation as in
    /// <see cref="WithTaskGroup(Func{TaskGroup, CoTask}, string?, string?, string?, int)"/>.
    /// </summary>
    /// <param name="body">The group's body.</param>
    /// <param name="name">A name for diagnostics.</param>
    /// <param name="member">Filled in by the compiler: the body's spawn site.</param>
    /// <param name="file">Filled in by the compiler: the body's spawn site.</param>
    /// <param name="line">Filled in by the compiler: the body's spawn site.</param>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    public static CoTask<T> WithTaskGroup<T>(Func<TaskGroup<T>, CoTask<T>> body, string? name = null,
        [CallerMemberName] string? member = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        Coroutine caller = CurrentCoroutine("Co.WithTaskGroup");
        caller.CheckCanParkVerified(); // before any child starts (see above)
        TaskGroupCore<T> core = TaskGroupCore<T>.Rent(caller, name);
        core.Start(body, file, line, member);
        return EndGroup(core);
    }

    private static async CoTask EndGroup(TaskGroupCore<VoidResult> core)
    {
        try
        {
            await core.EndAsync();
            core.ThrowIfFailed();
        }
        finally
        {
            core.Release();
        }
    }

    private static async CoTask<T> EndGroup<T>(TaskGroupCore<T> core)
    {
        try
        {
            await core.EndAsync();
            return core.TakeResult();
        }
        finally
        {
            core.Release();
        }
    }
}
