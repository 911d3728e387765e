namespace CoSched.Bench.Floor;

/// <summary>
/// A scenario on the featureless floor: one run starts its methods on the floor scheduler, drains it, and checks the
/// count (as <see cref="CoSchedScenario"/> does for CoSched rows). Not a product and not a baseline: the yardstick that
/// says how much of a CoSched row its promises cost on the machine at hand.
/// </summary>
public abstract class FloorScenario : Scenario
{
    /// <summary>The floor scheduler the row's methods run on.</summary>
    private protected FloorScheduler Floor { get; } = new();

    public sealed override string Backend => "featureless floor (no promises)";
    public sealed override bool IsFloor => true;

    public sealed override void Run()
    {
        FloorScheduler.Current = Floor; // per run: several floor rows may share a process
        Start();
        Floor.Drain();
        Check();
    }

    /// <summary>Resets the run's counters and starts its methods (each runs to its first suspension).</summary>
    private protected abstract void Start();

    /// <summary>Throws if the run did not do what it should (a broken row must not print a fast number).</summary>
    private protected abstract void Check();
}
