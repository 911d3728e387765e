using System;

namespace CoSched;

/// <summary>
/// The real monotonic clock (<see cref="TimeProvider.System"/>'s timestamp, i.e. <c>Stopwatch</c>): time since the
/// clock was created. Used by <see cref="NativeEventLoop"/>.
/// </summary>
public sealed class SystemClock : LoopClock
{
    private readonly TimeProvider _provider;
    private readonly long _origin;

    /// <summary>Creates a clock that starts at zero now, reading <paramref name="provider"/> (default: the system's).</summary>
    public SystemClock(TimeProvider? provider = null)
    {
        _provider = provider ?? TimeProvider.System;
        _origin = _provider.GetTimestamp();
    }

    /// <inheritdoc />
    public override TimeSpan Now => _provider.GetElapsedTime(_origin);
}
