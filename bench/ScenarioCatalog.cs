using System.Collections.Generic;

namespace CoSched.Bench;

/// <summary>Every scenario of the quick table, CoSched rows next to their .NET baselines (baseline first).</summary>
internal static class ScenarioCatalog
{
    internal static IReadOnlyList<Scenario> All() =>
    [
        new PauseLoopTaskYield(),
        new PauseLoopCoSched(),
        new PauseLoopNativeRun(),
        new PauseLoopVirtualClock(1),
        new Floor.PauseLoopFloor(),
        new PauseLoopContendedTaskYield(),
        new PauseLoopContendedCoSched(),
        new PauseLoopContendedNativeRun(),
        new PauseLoopVirtualClock(10),
        new SpawnWaitTaskWhenAll(10_000),
        new SpawnWaitGroupCoSched(10_000),
        new NativeLoopRow(new SpawnWaitGroupCoSched(10_000)),
        new VirtualClockRow(new SpawnWaitGroupCoSched(10_000)),
        new SpawnWaitHandlesCoSched(10_000),
        new NativeLoopRow(new SpawnWaitHandlesCoSched(10_000)),
        new VirtualClockRow(new SpawnWaitHandlesCoSched(10_000)),
        new Floor.SpawnWaitFloor(10_000),
        // 100k on the scheduler-only backend only: with four more rows of 100k pooled children in the process, the
        // 100k rows read about 5 ns/child slower (the 10k rows show what the event-loop backends cost).
        new SpawnWaitTaskWhenAll(100_000),
        new SpawnWaitGroupCoSched(100_000),
        new SpawnWaitHandlesCoSched(100_000),
        new QueueThroughputChannel(QueueVariant.Unbounded),
        new QueueThroughputCoSched(QueueVariant.Unbounded),
        new NativeLoopRow(new QueueThroughputCoSched(QueueVariant.Unbounded)),
        new VirtualClockRow(new QueueThroughputCoSched(QueueVariant.Unbounded)),
        new QueueThroughputChannel(QueueVariant.Bounded),
        new QueueThroughputCoSched(QueueVariant.Bounded),
        new NativeLoopRow(new QueueThroughputCoSched(QueueVariant.Bounded)),
        new VirtualClockRow(new QueueThroughputCoSched(QueueVariant.Bounded)),
        new QueueThroughputChannel(QueueVariant.BoundedFanIn),
        new QueueThroughputCoSched(QueueVariant.BoundedFanIn),
        new NativeLoopRow(new QueueThroughputCoSched(QueueVariant.BoundedFanIn)),
        new VirtualClockRow(new QueueThroughputCoSched(QueueVariant.BoundedFanIn)),
        new SemaphoreUncontendedSlim(),
        new SemaphoreUncontendedCoSched(),
        new NativeLoopRow(new SemaphoreUncontendedCoSched()),
        new VirtualClockRow(new SemaphoreUncontendedCoSched()),
        new SemaphoreContendedSlim(),
        new SemaphoreContendedCoSched(),
        new NativeLoopRow(new SemaphoreContendedCoSched()),
        new VirtualClockRow(new SemaphoreContendedCoSched()),
        new Floor.SemaphoreContendedFloor(),
        new CondVarSignalSlim(),
        new CondVarSignalCoSched(),
        new NativeLoopRow(new CondVarSignalCoSched()),
        new VirtualClockRow(new CondVarSignalCoSched()),
        new CondVarPingPongSlim(),
        new CondVarPingPongCoSched(),
        new NativeLoopRow(new CondVarPingPongCoSched()),
        new VirtualClockRow(new CondVarPingPongCoSched()),
        new Floor.CondVarPingPongFloor(),
        new TimerBurst(native: false),
        new TimerBurst(native: true),
        new SleepWakeThreadSleep(),
        new SleepWakeNative(),
        // Scale: spawn and join 10^6 children in one group (time per child).
        new SpawnWaitTaskWhenAll(1_000_000),
        new SpawnWaitGroupCoSched(1_000_000),
    ];

    /// <summary>Scale: retained memory per parked coroutine (quick table only).</summary>
    internal static IReadOnlyList<MemoryProbe> Memory() =>
    [
        new ParkedMemorySlim(),
        new ParkedMemoryCoSched(),
    ];
}
