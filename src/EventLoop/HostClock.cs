using System;

namespace CoSched;

/// <summary>
/// Time supplied by a host, typically a game that advances it once per frame with the frame's delta. The host can
/// scale it (<see cref="TimeScale"/>, e.g. slow motion) and pause it (<see cref="IsPaused"/>): timers and sleeps then
/// run on game time, not wall time. Starts at zero. Not thread-safe: use it on the scheduler's thread.
/// </summary>
public sealed class HostClock : LoopClock
{
    private TimeSpan _now;
    private double _timeScale = 1.0;

    /// <inheritdoc />
    public override TimeSpan Now => _now;

    /// <summary>How much game time passes per unit of real time given to <see cref="Advance"/>; 1 by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
    public double TimeScale
    {
        get => _timeScale;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "TimeScale must be a finite number >= 0 (0 freezes time like IsPaused).");
            _timeScale = value;
        }
    }

    /// <summary>While true, <see cref="Advance"/> does not move time: sleeps and timers are frozen.</summary>
    public bool IsPaused { get; set; }

    /// <summary>
    /// Advances game time by <paramref name="realDelta"/> x <see cref="TimeScale"/> (nothing while paused) and returns
    /// the game time that passed. Due timers fire at the start of the next drain.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="realDelta"/> is negative.</exception>
    public TimeSpan Advance(TimeSpan realDelta)
    {
        if (realDelta < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(realDelta), realDelta, "A frame delta cannot be negative; pass the time since the last frame.");
        if (IsPaused) return TimeSpan.Zero;
        TimeSpan delta = _timeScale == 1.0 ? realDelta : TimeSpan.FromTicks((long)Math.Round(realDelta.Ticks * _timeScale));
        _now = LoopTime.Add(_now, delta);
        return delta;
    }
}
