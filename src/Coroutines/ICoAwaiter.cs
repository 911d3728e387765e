namespace CoSched;

/// <summary>
/// Marks awaiters that belong to CoSched (primitives, CoTask, joins). The builder hands them the continuation directly;
/// any other awaiter is a foreign await, resumed through the scheduler's inbox.
/// </summary>
internal interface ICoAwaiter
{
}

/// <summary>Caches, per awaiter type, whether it is a CoSched awaiter (the JIT folds the check to a constant).</summary>
internal static class CoAwaiterCheck<TAwaiter>
{
    internal static readonly bool IsCoAwaiter = typeof(ICoAwaiter).IsAssignableFrom(typeof(TAwaiter));
}
