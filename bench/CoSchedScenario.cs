using System;

namespace CoSched.Bench;

/// <summary>
/// A CoSched scenario written once and driven by any backend: the coroutines one run spawns (<see cref="Workers"/>),
/// the primitives they share (<see cref="Bind"/>) and the check after a run. As a <see cref="Scenario"/> it is the
/// scheduler-only row (background spawns, then <see cref="Scheduler.RunUntilIdle()"/>); <see cref="NativeLoopRow"/>
/// and <see cref="VirtualClockRow"/> drive a second and a third instance of the same class.
/// </summary>
public abstract class CoSchedScenario : Scenario
{
    private Scheduler _scheduler = null!;

    public override string Backend => "CoSched scheduler-only";

    /// <summary>
    /// How the scenario's CoSched rows differ when a scenario has several ("group, ", "Spawn+Wait, "), for the event-loop
    /// rows' backend names; empty for one.
    /// </summary>
    protected internal virtual string Variant => "";

    /// <summary>The coroutines one run spawns, in spawn order (bound once, so a run allocates no delegate).</summary>
    protected internal abstract Func<CoTask>[] Workers { get; }

    /// <summary>Creates what the workers share (primitives, the scheduler they spawn on) for <paramref name="scheduler"/>.</summary>
    protected internal abstract void Bind(Scheduler scheduler);

    /// <summary>Resets the per-run counters.</summary>
    protected internal virtual void BeforeRun() { }

    /// <summary>Throws if the run did not do what it should (a broken scenario must not print a fast number).</summary>
    protected internal abstract void Check();

    public override void Setup()
    {
        _scheduler = new Scheduler();
        Bind(_scheduler);
    }

    public override void Run()
    {
        BeforeRun();
        Func<CoTask>[] workers = Workers;
        for (int i = 0; i < workers.Length; i++) _scheduler.SpawnBackground(workers[i]);
        Drain.ToCompletion(_scheduler);
        Check();
    }
}
