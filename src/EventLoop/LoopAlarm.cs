using System;
using System.Threading;

namespace CoSched;

/// <summary>
/// A dedicated thread that raises a flag when a thread-safe clock (the <see cref="SystemClock"/>) reaches a target, so a busy native loop
/// can learn that its earliest timer is due by reading a field each round instead of the clock (a clock read costs
/// 20-40 ns on common VMs, more than a whole pause). A dedicated thread rather than a thread-pool timer: RunBlocking
/// work may saturate the pool, and the alarm must not be delayed by it. It waits on a kernel wait, never spins.
/// </summary>
internal sealed class LoopAlarm
{
    private const long Disarmed = long.MaxValue;

    private readonly LoopClock _clock;
    private readonly ManualResetEventSlim _changed = new(initialState: false, spinCount: 0);
    private long _target = Disarmed;
    private int _rang;
    private volatile bool _stopped;

    internal LoopAlarm(LoopClock clock)
    {
        _clock = clock;
        var thread = new Thread(Run) { IsBackground = true, Name = "CoSched native loop alarm" };
        thread.UnsafeStart();
    }

    /// <summary>Rings once the clock reaches <paramref name="deadline"/> ticks (replaces any earlier target).</summary>
    internal void Arm(long deadline)
    {
        Volatile.Write(ref _target, deadline);
        _changed.Set();
    }

    /// <summary>True (once) if the alarm has rung since the last call.</summary>
    internal bool TryConsumeRing()
    {
        if (Volatile.Read(ref _rang) == 0) return false;
        Volatile.Write(ref _rang, 0);
        return true;
    }

    /// <summary>Ends the thread.</summary>
    internal void Stop()
    {
        _stopped = true;
        _changed.Set();
    }

    private void Run()
    {
        while (!_stopped)
        {
            // Reset before reading the target: an Arm after this point sets the event, so the wait cannot miss it.
            _changed.Reset();
            long target = Volatile.Read(ref _target);
            if (target == Disarmed)
            {
                _changed.Wait();
                continue;
            }
            long remaining = target - _clock.Now.Ticks;
            if (remaining <= 0)
            {
                Interlocked.CompareExchange(ref _target, Disarmed, target);
                Volatile.Write(ref _rang, 1);
                continue;
            }
            long ms = (remaining + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
            _changed.Wait((int)Math.Min(ms, int.MaxValue - 1));
        }
    }
}
