namespace CoSched;

/// <summary>
/// Marks awaiters that belong to CoSched (primitives, CoTask, joins). The builder hands them the continuation directly;
/// any other awaiter is a foreign await, resumed through the scheduler's inbox.
/// </summary>
internal interface ICoAwaiter
{
}

/// <summary>Whether an awaiter type is a CoSched awaiter; a JIT-time constant for struct awaiters (all of ours are).</summary>
internal static class CoAwaiterCheck<TAwaiter>
{
    internal static bool IsCoAwaiter
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => typeof(TAwaiter).IsValueType ? default(TAwaiter) is ICoAwaiter : s_isCoAwaiterClass;
    }

    private static readonly bool s_isCoAwaiterClass = typeof(ICoAwaiter).IsAssignableFrom(typeof(TAwaiter));
}
