using System;
using System.Collections.Generic;
using Xunit;

namespace CoSched.Tests;

public class VirtualEventLoopTests
{
    [Fact]
    public void AdvanceBy_fires_each_timer_at_its_own_deadline_and_stops_at_the_target()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var seen = new List<double>();
        for (int i = 1; i <= 3; i++)
        {
            int secs = i;
            s.Spawn(async () => { await Co.Sleep(TimeSpan.FromSeconds(secs)); seen.Add(loop.Now.TotalSeconds); });
        }
        DrainResult r = loop.AdvanceBy(TimeSpan.FromSeconds(2.5));
        Assert.Equal(new[] { 1.0, 2.0 }, seen);
        Assert.Equal(TimeSpan.FromSeconds(2.5), loop.Now);
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.Equal(TimeSpan.FromSeconds(3), r.NextDeadline);
        r = loop.AdvanceBy(TimeSpan.FromSeconds(10));
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, seen);
        Assert.Equal(TimeSpan.FromSeconds(12.5), loop.Now);
    }

    [Fact]
    public void AdvanceBy_bounds_an_endless_periodic_coroutine()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        int ticks = 0;
        s.Spawn(async () => { while (true) { await Co.Sleep(TimeSpan.FromMilliseconds(100)); ticks++; } });
        loop.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(10, ticks);
        loop.AdvanceBy(TimeSpan.FromMilliseconds(250));
        Assert.Equal(12, ticks);
    }

    [Fact]
    public void RunUntilIdle_jumps_long_waits_instantly_and_deterministically()
    {
        static string Run()
        {
            var s = new Scheduler();
            var loop = new VirtualEventLoop(s);
            var log = new List<string>();
            for (int i = 0; i < 4; i++)
            {
                int id = i;
                s.Spawn(async () =>
                {
                    for (int k = 0; k < 3; k++)
                    {
                        await Co.Sleep(TimeSpan.FromHours(id + 1));
                        log.Add($"{id}@{loop.Now.TotalHours}");
                    }
                });
            }
            Assert.Equal(DrainStatus.Completed, loop.RunUntilIdle().Status);
            return string.Join(",", log);
        }
        string first = Run();
        Assert.Equal(first, Run());
        Assert.StartsWith("0@1,1@2,0@2,2@3,0@3,3@4,1@4", first);
    }

    [Fact]
    public void Clock_never_goes_backwards()
    {
        var clock = new VirtualClock();
        clock.Advance(TimeSpan.FromSeconds(2));
        clock.AdvanceTo(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), clock.Now);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
        var loop = new VirtualEventLoop(new Scheduler(), clock);
        Assert.Equal(TimeSpan.FromSeconds(2), loop.Now);
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.AdvanceBy(TimeSpan.FromTicks(-1)));
    }

    [Fact]
    public void A_scheduler_takes_one_loop_only()
    {
        var s = new Scheduler();
        new VirtualEventLoop(s);
        Assert.Throws<InvalidOperationException>(() => new HostClockEventLoop(s));
    }
}
