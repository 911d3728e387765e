using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>
/// Implemented by awaiters that belong to CoSched (primitives, CoTask, joins). The builder hands them its state-machine
/// box as the continuation (see <see cref="Resumable"/>); any other awaiter is a foreign await, resumed through the
/// scheduler's inbox. Struct awaiters implement it through <see cref="ICoAwaiter{TSelf}"/>.
/// </summary>
internal interface ICoAwaiter
{
    /// <summary>As UnsafeOnCompleted, with a continuation that is a <see cref="Resumable"/> or an <see cref="Action"/>.</summary>
    void ParkCo(object continuation);

    /// <summary>Creates the <see cref="CoAwaiterParker{TAwaiter}"/> of this awaiter's type (once per type).</summary>
    object CreateParker();
}

/// <summary>
/// A struct CoSched awaiter. Supplies the parker that lets the builder, which knows the awaiter only as an unconstrained
/// type parameter, call <see cref="ICoAwaiter.ParkCo"/> without boxing it.
/// </summary>
internal interface ICoAwaiter<TSelf> : ICoAwaiter where TSelf : struct, ICoAwaiter<TSelf>
{
    // Here TSelf is known to satisfy the constraint the constrained call needs; no reflection (NativeAOT-safe).
    object ICoAwaiter.CreateParker() => new ConstrainedCoAwaiterParker<TSelf>();
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
/// through their type's parker (one virtual call making a constrained ParkCo call: no box, even in unoptimized code).
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
        else CoAwaiterParker<TAwaiter>.Instance.Park(ref awaiter, continuation);
    }
}

/// <summary>Parks a struct awaiter of type <typeparamref name="TAwaiter"/> without boxing it (see <see cref="ICoAwaiter{TSelf}"/>).</summary>
internal abstract class CoAwaiterParker<TAwaiter>
{
    /// <summary>
    /// This type's parker, asked of a boxed default awaiter once per awaiter type (the only box; parks box nothing).
    /// </summary>
    internal static readonly CoAwaiterParker<TAwaiter> Instance =
        (CoAwaiterParker<TAwaiter>)((ICoAwaiter)(object)default(TAwaiter)!).CreateParker();

    internal abstract void Park(ref TAwaiter awaiter, object continuation);
}

internal sealed class ConstrainedCoAwaiterParker<TAwaiter> : CoAwaiterParker<TAwaiter> where TAwaiter : struct, ICoAwaiter
{
    internal override void Park(ref TAwaiter awaiter, object continuation) => awaiter.ParkCo(continuation);
}
