using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CoSched;

/// <summary>
/// Reads and restores a thread's ExecutionContext without a thread-static lookup per read. The scheduler checks the
/// context once per step (AsyncLocal values then flow across awaits as with Task); going through
/// <see cref="ExecutionContext.Capture"/> would cost a TLS access per await, which is a third of a pause. The field is
/// read through <see cref="UnsafeAccessorAttribute"/> on the scheduler's own Thread object; if a runtime lacks the field,
/// it falls back to <see cref="ExecutionContext.Capture"/> (reads then happen on the current thread, which is always the
/// scheduler's thread here). Contexts are normalised so that null means the default context.
/// </summary>
internal static class ThreadContext
{
    private static readonly bool s_fieldAvailable = Probe();

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_executionContext")]
    private static extern ref ExecutionContext? ContextField(Thread thread);

    /// <summary>
    /// The thread's current ExecutionContext, null when it is the default one. Read as stored: the runtime keeps the
    /// default context as null in the thread's field; should it ever store the default instance there, the only cost is
    /// one needless <see cref="Restore"/> (a compare against the default instance here would cost every step two loads).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ExecutionContext? Get(Thread thread) => s_fieldAvailable ? ContextField(thread) : GetSlow();

    private static ExecutionContext? GetSlow()
    {
        ExecutionContext? ec = ExecutionContext.Capture();
        return ReferenceEquals(ec, ExecutionContextDefault.Value) ? null : ec;
    }

    /// <summary>Makes <paramref name="context"/> (null = default) current on the calling thread.</summary>
    internal static void Restore(ExecutionContext? context) =>
        ExecutionContext.Restore(context ?? ExecutionContextDefault.Value!);

    private static bool Probe()
    {
        try
        {
            _ = ContextField(Thread.CurrentThread);
            return true;
        }
        catch (MissingFieldException)
        {
            return false;
        }
    }
}

/// <summary>The default ExecutionContext, read once from a fresh thread (the runtime shares a single instance).</summary>
internal static class ExecutionContextDefault
{
    internal static readonly ExecutionContext? Value = ReadDefault();

    private static ExecutionContext? ReadDefault()
    {
        ExecutionContext? value = null;
        var t = new Thread(() => value = ExecutionContext.Capture());
        t.UnsafeStart();
        t.Join();
        return value;
    }
}
