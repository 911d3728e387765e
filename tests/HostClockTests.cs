using System;
using System.Collections.Generic;
using Xunit;

namespace CoSched.Tests;

public class HostClockTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Sleep_runs_on_game_time_advanced_per_frame()
    {
        var s = new Scheduler();
        var loop = new HostClockEventLoop(s);
        int frame = 0, wokeAtFrame = -1;
        s.Spawn(async () => { await Co.Sleep(TimeSpan.FromMilliseconds(350)); wokeAtFrame = frame; });
        s.RunUntilIdle(); // armed at t = 0
        for (frame = 0; frame < 6; frame++)
        {
            loop.Clock.Advance(Frame);
            s.RunUntilIdle();
        }
        Assert.Equal(3, wokeAtFrame); // t = 400 ms is the first frame at or past 350 ms
    }

    [Fact]
    public void Time_scale_speeds_up_and_pause_freezes_timers()
    {
        var s = new Scheduler();
        var loop = new HostClockEventLoop(s);
        var log = new List<string>();
        s.Spawn(async () => { await Co.Sleep(TimeSpan.FromSeconds(1)); log.Add($"woke@{loop.Now.TotalSeconds}"); });
        s.RunUntilIdle();
        loop.Clock.TimeScale = 2.0;
        Assert.Equal(TimeSpan.FromMilliseconds(600), loop.Clock.Advance(TimeSpan.FromMilliseconds(300)));
        s.RunUntilIdle();
        loop.Clock.IsPaused = true;
        Assert.Equal(TimeSpan.Zero, loop.Clock.Advance(TimeSpan.FromSeconds(10)));
        DrainResult r = s.RunUntilIdle();
        Assert.Empty(log);
        Assert.Equal(DrainStatus.Idle, r.Status);
        Assert.Equal(TimeSpan.FromSeconds(1), r.NextDeadline); // the host can tell when to come back (game time)
        loop.Clock.IsPaused = false;
        loop.Clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(DrainStatus.Completed, s.RunUntilIdle().Status);
        Assert.Equal(new[] { "woke@1" }, log);
    }

    [Fact]
    public void Bad_scale_and_negative_deltas_are_refused()
    {
        var clock = new HostClock();
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.TimeScale = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.TimeScale = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.TimeScale = double.PositiveInfinity);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
        Assert.Equal(1.0, clock.TimeScale);
        clock.TimeScale = 0;
        Assert.Equal(TimeSpan.Zero, clock.Advance(TimeSpan.FromSeconds(1)));
    }
}
