using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// Something a parked coroutine resumes by a virtual call: the state-machine box of a suspended CoTask frame. Inside
/// CoSched a continuation is an <see cref="object"/>, either a <see cref="Resumable"/> or an <see cref="Action"/> (from
/// a foreign builder, a public UnsafeOnCompleted call or an internal callback). Passing the box itself instead of a
/// MoveNext delegate saves the delegate (64 B plus a field per box) and one pointer hop per resume.
/// </summary>
internal abstract class Resumable
{
    /// <summary>Runs the continuation (for a state-machine box: the frame's MoveNext).</summary>
    internal abstract void Resume();

    /// <summary>Runs a continuation: an <see cref="Action"/> or a <see cref="Resumable"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Run(object continuation)
    {
        // Action is sealed, so this is one method-table compare.
        if (continuation.GetType() == typeof(Action)) Unsafe.As<Action>(continuation)();
        else Unsafe.As<Resumable>(continuation).Resume();
    }
}
