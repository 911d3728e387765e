using System.Collections.Generic;

namespace CoSched.Bench;

/// <summary>Every scenario of the quick table, CoSched rows next to their .NET baselines.</summary>
internal static class ScenarioCatalog
{
    internal static IReadOnlyList<Scenario> All() =>
    [
        new PauseLoopTaskYield(),
        new PauseLoopCoSched(),
        new PauseLoopNativeRun(),
        new PauseLoopContendedTaskYield(),
        new PauseLoopContendedCoSched(),
        new PauseLoopContendedNativeRun(),
        new SpawnWaitTaskWhenAll(10_000),
        new SpawnWaitCoSched(10_000),
        new SpawnWaitTaskWhenAll(100_000),
        new SpawnWaitCoSched(100_000),
        new TimerBurst(native: false),
        new TimerBurst(native: true),
        new SleepWakeThreadSleep(),
        new SleepWakeNative(),
    ];
}
