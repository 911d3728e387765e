using System;
using CoSched.Host;
using Xunit;

namespace CoSched.Tests;

public class CoRunTests
{
    [Fact]
    public void Run_returns_mains_result_after_its_children_and_timers()
    {
        int result = CoRun.Run(async () =>
        {
            var q = CoQueue<int>.Unbounded();
            Scheduler.Current!.Spawn(async () => { await Co.Sleep(TimeSpan.FromMilliseconds(1)); await q.Put(41); });
            return await q.Get() + 1;
        });
        Assert.Equal(42, result);
    }

    [Fact]
    public void Run_rethrows_mains_exception()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CoRun.Run(async () =>
        {
            await Co.Pause();
            throw new InvalidOperationException("main failed");
        }));
        Assert.Equal("main failed", e.Message);
    }

    [Fact]
    public void Run_throws_DeadlockException_when_nothing_can_wake_main()
    {
        var e = Assert.Throws<DeadlockException>(() => CoRun.Run(async () => await CoQueue<int>.Unbounded().Get()));
        Assert.Contains("CoRunTests.cs", e.Message); // main's spawn site is the caller of Run
    }
}
