using System;
using System.Collections.Generic;
using Xunit;

namespace CoSched.Tests;

public class StarvationGuardTests
{
    [Fact]
    public void A_50ms_sleep_completes_before_a_100ms_busy_loop_of_pauses_does()
    {
        var s = new Scheduler();
        var loop = new VirtualEventLoop(s);
        var log = new List<(string What, TimeSpan At)>();
        s.Spawn(async () =>
        {
            await Co.Sleep(TimeSpan.FromMilliseconds(50));
            log.Add(("sleeper woke", loop.Now));
        });
        s.Spawn(async () =>
        {
            // Busy for 100 ms of (virtual) time: each iteration "works" 1 ms, then pauses. The ready queue is never empty,
            // so the clock is never jumped; only the per-round timer check can let the sleeper in.
            TimeSpan start = loop.Now;
            while (loop.Now - start < TimeSpan.FromMilliseconds(100))
            {
                loop.Clock.Advance(TimeSpan.FromMilliseconds(1));
                await Co.Pause();
            }
            log.Add(("busy loop done", loop.Now));
        });
        DrainResult r = s.RunUntilIdle(); // one drain: nothing ever waits, so this is all rounds
        Assert.Equal(DrainStatus.Completed, r.Status);
        Assert.Equal(2, log.Count);
        Assert.Equal("sleeper woke", log[0].What);
        // It woke in the round right after its deadline passed (behind the busy coroutine, which had queued first and
        // "worked" one more millisecond), not when the busy loop ended.
        Assert.InRange(log[0].At, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(51));
        Assert.Equal("busy loop done", log[1].What);
        Assert.Equal(TimeSpan.FromMilliseconds(100), log[1].At);
    }
}
