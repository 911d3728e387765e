using System;
using System.Threading;
using CoSched;
using Xunit;

namespace CoSched.Tests.Reliability;

/// <summary>
/// The idle handshake is a store-then-load on each side (the scheduler arms <see cref="Scheduler.WorkAvailable"/> then
/// looks at the inbox; a poster fills the inbox then looks at the arm flag). Without a full fence on both sides the two
/// loads can both read stale values: the drain returns Idle, the post raises nothing, and the host sleeps with work
/// queued. Found as a rare 60 s hang of the cross-thread tests; this test provokes the window many times.
/// </summary>
public class WakeupRaceTests
{
    [Fact]
    public void A_post_that_races_the_drain_going_idle_always_raises_WorkAvailable_or_is_drained()
    {
        const int Rounds = 1_000_000;
        var s = new Scheduler();
        using var wake = new SemaphoreSlim(0);
        s.WorkAvailable += () => wake.Release();
        int handled = 0;
        var poster = new Thread(() =>
        {
            for (int i = 0; i < Rounds; i++)
            {
                // Post the next item only once the previous one ran, so each post lands near a drain going idle.
                while (Volatile.Read(ref handled) < i) Thread.SpinWait(1);
                s.Post(() => Volatile.Write(ref handled, Volatile.Read(ref handled) + 1));
            }
        });
        poster.Start();
        int lost = 0;
        while (Volatile.Read(ref handled) < Rounds)
        {
            s.RunUntilIdle();
            if (Volatile.Read(ref handled) >= Rounds) break;
            // Nothing raised for 5 s means a lost wake-up (the poster posts within microseconds); the next drain still
            // runs the stranded item, so the test ends either way.
            if (!wake.Wait(TimeSpan.FromSeconds(5))) lost++;
        }
        poster.Join();
        Assert.Equal(0, lost);
        Assert.Equal(Rounds, handled);
    }
}
