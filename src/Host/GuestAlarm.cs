using System;
using System.Threading;

namespace CoSched.Host;

/// <summary>
/// The helper thread of a guest run: waits (a kernel wait, never a spin) until the clock reaches the earliest timer
/// deadline, then asks for a drain through the host's callback. This is how a guest run sleeps without ever blocking or
/// polling on the host's thread. A dedicated thread rather than a thread-pool timer, because <c>Co.RunBlocking</c> work
/// may saturate the pool and delay it.
/// </summary>
internal sealed class GuestAlarm
{
    private const long Disarmed = long.MaxValue;

    private readonly LoopClock _clock;
    private readonly Action _ring;
    private readonly ManualResetEventSlim _changed = new(initialState: false, spinCount: 0);
    private long _target = Disarmed;
    private volatile bool _stopped;

    /// <summary>Starts the thread; <paramref name="ring"/> (thread-safe) runs on it when a target is reached.</summary>
    internal GuestAlarm(LoopClock clock, Action ring)
    {
        _clock = clock;
        _ring = ring;
        var thread = new Thread(Run) { IsBackground = true, Name = "CoSched guest run alarm" };
        thread.UnsafeStart();
    }

    /// <summary>Rings once the clock reaches <paramref name="deadline"/> ticks (replaces the current target).</summary>
    internal void Arm(long deadline)
    {
        if (Volatile.Read(ref _target) == deadline) return; // already waiting for it: no kernel call
        Volatile.Write(ref _target, deadline);
        _changed.Set();
    }

    /// <summary>Ends the thread (it may still ring once if it was about to).</summary>
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
                if (!_stopped) _ring();
                continue;
            }
            // Round up to whole milliseconds (the wait's resolution): never ring early and spin on zero-length waits.
            long ms = (remaining + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
            _changed.Wait((int)Math.Min(ms, int.MaxValue - 1));
        }
        _changed.Dispose();
    }
}
