using System;
using CoSched;
using Xunit;

namespace CoSched.Tests;

/// <summary>Steady-state allocation of structured concurrency: warmed-up loops must allocate 0 B.</summary>
[Collection(nameof(MemoryMeasurementCollection))] // alone: no parallel test's garbage collection lands in a measured window
public class GroupAllocationTests
{
    private const int Children = 1000;

    [ThreadStatic] private static int t_ran;

    private static readonly Func<CoTask> s_child = static async () =>
    {
        await Co.Pause();
        t_ran++;
    };

    private static readonly Func<CoTask<int>> s_valueChild = static async () =>
    {
        await Co.Pause();
        t_ran++;
        return 1;
    };

    // The group joins its children: spawned with handles that nobody waits on, recycled when the group ends.
    private static readonly Func<TaskGroup, CoTask> s_spawnAll = static g =>
    {
        for (int i = 0; i < Children; i++) g.Spawn(s_child);
        return CoTask.CompletedTask;
    };

    // Each child joined through its handle (Wait consumes and recycles it at once).
    private static readonly Func<TaskGroup, CoTask> s_spawnAndJoin = static async g =>
    {
        int sum = 0;
        for (int i = 0; i < Children; i++) sum += await g.Spawn(s_valueChild).Wait();
        if (sum != Children) throw new InvalidOperationException("lost a result");
    };

    private static readonly Func<TaskGroup, CoTask> s_background = static g =>
    {
        for (int i = 0; i < Children; i++) g.SpawnBackground(s_child);
        return CoTask.CompletedTask;
    };

    private static readonly Func<CoTask> s_mainSpawnAll = static () => Co.WithTaskGroup(s_spawnAll);
    private static readonly Func<CoTask> s_mainSpawnAndJoin = static () => Co.WithTaskGroup(s_spawnAndJoin);
    private static readonly Func<CoTask> s_mainBackground = static () => Co.WithTaskGroup(s_background);

    [Fact]
    public void Spawning_children_joined_by_the_group_allocates_nothing() => AssertZeroAlloc(s_mainSpawnAll);

    [Fact]
    public void Spawning_and_waiting_each_child_allocates_nothing() => AssertZeroAlloc(s_mainSpawnAndJoin);

    [Fact]
    public void Spawning_background_children_allocates_nothing() => AssertZeroAlloc(s_mainBackground);

    [Fact]
    public void Opening_empty_groups_allocates_nothing()
    {
        var s = new Scheduler();
        Func<CoTask> main = static async () =>
        {
            for (int i = 0; i < 100; i++) await Co.WithTaskGroup(static g => CoTask.CompletedTask);
        };
        for (int i = 0; i < 3; i++) Run(s, main);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Run(s, main);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private static void AssertZeroAlloc(Func<CoTask> main)
    {
        var s = new Scheduler();
        for (int i = 0; i < 3; i++) Run(s, main); // warm up: pools fill, arrays reach their size, JIT tiers settle
        t_ran = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Run(s, main);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10 * Children, t_ran);
        Assert.Equal(0, allocated);
    }

    private static void Run(Scheduler s, Func<CoTask> main)
    {
        s.SpawnBackground(main);
        DrainResult r = s.RunUntilIdle();
        if (r.Status != DrainStatus.Completed) throw new InvalidOperationException($"drain ended {r.Status}");
    }
}
