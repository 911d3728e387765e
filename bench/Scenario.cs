namespace CoSched.Bench;

/// <summary>
/// One benchmark scenario on one backend: <see cref="Run"/> performs <see cref="Operations"/> operations. The quick table
/// (Stopwatch) and the BenchmarkDotNet suite both call the same instances, so both measure the same code.
/// </summary>
public abstract class Scenario
{
    /// <summary>Scenario family, e.g. "pause_loop".</summary>
    public abstract string Name { get; }

    /// <summary>Backend or peer, e.g. "scheduler-only" or "BCL Task.Yield".</summary>
    public abstract string Backend { get; }

    /// <summary>True for the .NET peer that ratios are computed against.</summary>
    public virtual bool IsBaseline => false;

    /// <summary>Operations per <see cref="Run"/> call (the unit of ns/op).</summary>
    public abstract int Operations { get; }

    /// <summary>What one operation is, e.g. "pause" or "child".</summary>
    public abstract string Unit { get; }

    /// <summary>Prepares state; called once before warm-up.</summary>
    public virtual void Setup() { }

    /// <summary>Runs <see cref="Operations"/> operations.</summary>
    public abstract void Run();
}
