namespace CoSched.Bench;

/// <summary>
/// A scale scenario that measures retained memory rather than time: how many bytes each of <c>count</c> parked
/// coroutines (or tasks) keeps alive, from <see cref="System.GC.GetTotalMemory(bool)"/> with a full collection before
/// and after parking them. Quick table only: BenchmarkDotNet measures allocation, not what stays reachable.
/// </summary>
public abstract class MemoryProbe
{
    /// <summary>Scenario family, e.g. "parked memory 1M".</summary>
    public abstract string Name { get; }

    /// <summary>Backend or peer.</summary>
    public abstract string Backend { get; }

    /// <summary>True for the .NET peer that ratios are computed against.</summary>
    public virtual bool IsBaseline => false;

    /// <summary>The target in bytes per parked coroutine, or null.</summary>
    public virtual double? TargetBytes => null;

    /// <summary>
    /// Parks <paramref name="count"/> waiters, measures the retained bytes per waiter, then releases and drains them so
    /// nothing is left behind. Call it once per process: pools that survive it would make a second call read low.
    /// </summary>
    public abstract MemoryResult Measure(int count);
}
