using System;

namespace CoSched;

/// <summary>
/// A deterministic clock that moves only when told to: by <see cref="Advance"/> (time passes, nothing runs) or by a
/// <see cref="VirtualEventLoop"/>, which jumps it to the next timer when nothing is ready. Starts at zero. Not
/// thread-safe: use it on the scheduler's thread.
/// </summary>
public sealed class VirtualClock : LoopClock
{
    private TimeSpan _now;

    /// <inheritdoc />
    public override TimeSpan Now => _now;

    /// <summary>
    /// Moves time forward by <paramref name="delta"/> without running anything (e.g. to model a coroutine's CPU work);
    /// timers that become due fire at the start of the next round. Callable from inside a coroutine.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative: time never goes backwards.</exception>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "A virtual clock only moves forward; pass a delta >= 0.");
        _now = LoopTime.Add(_now, delta);
    }

    /// <summary>Moves time to <paramref name="time"/> if it is later than <see cref="Now"/> (never backwards).</summary>
    public void AdvanceTo(TimeSpan time)
    {
        if (time > _now) _now = time;
    }
}
