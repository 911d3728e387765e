using System;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// Implemented by awaiters that belong to CoSched (primitives, CoTask, joins). The builder hands them its state-machine
/// box as the continuation (see <see cref="Resumable"/>); any other awaiter is a foreign await, resumed through the
/// scheduler's inbox.
/// </summary>
internal interface ICoAwaiter
{
    /// <summary>As UnsafeOnCompleted, with a continuation that is a <see cref="Resumable"/> or an <see cref="Action"/>.</summary>
    void ParkCo(object continuation);
}

/// <summary>Whether an awaiter type is a CoSched awaiter; a JIT-time constant for struct awaiters (all of ours are).</summary>
internal static class CoAwaiterCheck<TAwaiter>
{
    internal static bool IsCoAwaiter
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(TAwaiter).IsValueType ? default(TAwaiter) is ICoAwaiter : s_isCoAwaiterClass;
    }

    private static readonly bool s_isCoAwaiterClass = typeof(ICoAwaiter).IsAssignableFrom(typeof(TAwaiter));
}

/// <summary>
/// Calls <see cref="ICoAwaiter.ParkCo"/> on an awaiter the builder only knows as a type parameter, without boxing it.
/// The common non-generic awaiters are matched by JIT-folded type checks (a direct, inlinable call); the others go
/// through a delegate built once per awaiter type, calling ParkCo under an ICoAwaiter constraint (a constrained call:
/// no box, even in unoptimized code).
/// </summary>
internal static class CoAwaiterPark
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Park<TAwaiter>(ref TAwaiter awaiter, object continuation)
    {
        if (typeof(TAwaiter) == typeof(PauseAwaitable)) Unsafe.As<TAwaiter, PauseAwaitable>(ref awaiter).ParkCo(continuation);
        else if (typeof(TAwaiter) == typeof(CoTask.Awaiter)) Unsafe.As<TAwaiter, CoTask.Awaiter>(ref awaiter).ParkCo(continuation);
        else if (typeof(TAwaiter) == typeof(SemaphoreAcquireAwaitable))
            Unsafe.As<TAwaiter, SemaphoreAcquireAwaitable>(ref awaiter).ParkCo(continuation);
        else if (typeof(TAwaiter) == typeof(MutexLockAwaitable))
            Unsafe.As<TAwaiter, MutexLockAwaitable>(ref awaiter).ParkCo(continuation);
        else if (typeof(TAwaiter) == typeof(ConditionWaitAwaitable))
            Unsafe.As<TAwaiter, ConditionWaitAwaitable>(ref awaiter).ParkCo(continuation);
        else if (typeof(TAwaiter) == typeof(JoinAwaitable)) Unsafe.As<TAwaiter, JoinAwaitable>(ref awaiter).ParkCo(continuation);
        else if (typeof(TAwaiter) == typeof(SleepAwaitable)) Unsafe.As<TAwaiter, SleepAwaitable>(ref awaiter).ParkCo(continuation);
        else if (typeof(TAwaiter) == typeof(FrameAwaitable)) Unsafe.As<TAwaiter, FrameAwaitable>(ref awaiter).ParkCo(continuation);
        else if (!typeof(TAwaiter).IsValueType) Unsafe.As<TAwaiter, ICoAwaiter>(ref awaiter).ParkCo(continuation);
        else ViaConstraint<TAwaiter>.Park(ref awaiter, continuation);
    }

    private delegate void ParkFn<TAwaiter>(ref TAwaiter awaiter, object continuation);

    private static class ViaConstraint<TAwaiter>
    {
        internal static readonly ParkFn<TAwaiter> Park = typeof(CoAwaiterPark)
            .GetMethod(nameof(ParkConstrained), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeof(TAwaiter))
            .CreateDelegate<ParkFn<TAwaiter>>();
    }

    private static void ParkConstrained<TAwaiter>(ref TAwaiter awaiter, object continuation)
        where TAwaiter : struct, ICoAwaiter => awaiter.ParkCo(continuation);
}
