using System;
using CoSched;
using Xunit;

namespace CoSched.Tests;

[Collection(nameof(MemoryMeasurementCollection))] // alone: no parallel test's garbage collection lands in a measured window
public class AllocationTests
{
    private static async CoTask PauseLoop(int n)
    {
        for (int i = 0; i < n; i++) await Co.Pause();
    }

    private static async CoTask SpawnJoin(Scheduler s, CoroutineHandle[] handles)
    {
        for (int i = 0; i < handles.Length; i++) handles[i] = s.Spawn(static () => Child());
        for (int i = 0; i < handles.Length; i++) await handles[i].Wait();
    }

    private static async CoTask Child() => await Co.Pause();

    [Fact]
    public void Ten_thousand_pauses_allocate_nothing_in_steady_state()
    {
        var s = new Scheduler();
        Func<CoTask> body = static () => PauseLoop(10_000);
        for (int i = 0; i < 3; i++) { s.SpawnBackground(body); s.RunUntilIdle(); } // warm pools and JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        s.SpawnBackground(body);
        s.RunUntilIdle();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Thousand_spawn_and_join_allocate_nothing_in_steady_state()
    {
        var s = new Scheduler();
        var handles = new CoroutineHandle[1000];
        Func<CoTask> body = () => SpawnJoin(s, handles);
        for (int i = 0; i < 3; i++) { s.SpawnBackground(body); s.RunUntilIdle(); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        s.SpawnBackground(body);
        DrainResult r = s.RunUntilIdle();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_host_starting_a_main_per_frame_allocates_nothing_in_steady_state()
    {
        var s = new Scheduler();
        Func<CoTask<int>> main = static async () => { await Co.Pause(); return 7; };
        CoroutineHandle<int> h = default;
        for (int i = 0; i < 3; i++) { h = s.RunAsyncMain(main); s.RunUntilIdle(); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            h = s.RunAsyncMain(main);
            s.RunUntilIdle();
            Assert.True(h.TryGetResult(out int r) && r == 7);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Starting_the_next_main_ends_the_previous_main_handles_life()
    {
        var s = new Scheduler();
        CoroutineHandle<int> first = s.RunAsyncMain(static async () => { await Co.Pause(); return 1; });
        s.RunUntilIdle();
        Assert.True(first.TryGetResult(out int one) && one == 1); // readable until the next main starts
        CoroutineHandle<int> second = s.RunAsyncMain(static async () => { await Co.Pause(); return 2; });
        Assert.Throws<InvalidOperationException>(() => first.TryGetResult(out _));
        s.RunUntilIdle();
        Assert.True(second.TryGetResult(out int two) && two == 2);
    }
}
