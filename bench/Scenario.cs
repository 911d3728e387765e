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

    /// <summary>
    /// True for the featureless floor (bench/Floor): neither a product nor a baseline; the quick table reports the other
    /// rows of its scenario as multiples of it.
    /// </summary>
    public virtual bool IsFloor => false;

    /// <summary>
    /// For a floor row: the featureless prototype's figure for this scenario in shared/BASELINES.md (the machine the
    /// issues' targets were set on), so a target can be read as a multiple of the floor and carried to this machine.
    /// </summary>
    public virtual double? PublishedFloorNs => null;

    /// <summary>Operations per <see cref="Run"/> call (the unit of ns/op).</summary>
    public abstract int Operations { get; }

    /// <summary>What one operation is, e.g. "pause" or "child".</summary>
    public abstract string Unit { get; }

    /// <summary>
    /// The target for this row in ns per operation (with 0 B/op), or null when the row has none. The quick
    /// table prints whether the measured value meets it.
    /// </summary>
    public virtual double? TargetNs => null;

    /// <summary>
    /// A target relative to another row of the same scenario: this row's ns/op must be at most <c>MaxFactor</c> times
    /// that of the row whose <see cref="Backend"/> is <c>Backend</c> (e.g. the native loop within 1.2x of scheduler-only).
    /// </summary>
    public virtual (string Backend, double MaxFactor)? TargetRelative => null;

    /// <summary>Prepares state; called once before warm-up.</summary>
    public virtual void Setup() { }

    /// <summary>Runs <see cref="Operations"/> operations.</summary>
    public abstract void Run();
}
