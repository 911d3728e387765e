using System;

namespace CoSched;

/// <summary>
/// How <see cref="Co.Retry{T}(Func{CoTask{T}}, RetryPolicy, int, Func{Exception, bool}?)"/> waits between attempts:
/// not at all (<see cref="Immediate"/>, also the default value), a fixed delay, or an exponentially growing delay with a
/// cap. Delays run on the scheduler's event-loop clock (<see cref="Co.Sleep"/>), so they need an event loop.
/// </summary>
public readonly struct RetryPolicy : IEquatable<RetryPolicy>
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _maximum;
    private readonly double _factor;

    private RetryPolicy(TimeSpan initial, TimeSpan maximum, double factor)
    {
        _initial = initial;
        _maximum = maximum;
        _factor = factor;
    }

    /// <summary>Retry at once, without waiting (no event loop needed).</summary>
    public static RetryPolicy Immediate => default;

    /// <summary>Wait <paramref name="delay"/> before every retry.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public static RetryPolicy FixedDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new RetryPolicy(delay, delay, 1);
    }

    /// <summary>
    /// Wait <paramref name="initial"/> before the first retry, then multiply the delay by <paramref name="factor"/> before
    /// each further retry, never waiting longer than <paramref name="maximum"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initial"/> is negative, <paramref name="maximum"/> is
    /// less than <paramref name="initial"/>, or <paramref name="factor"/> is less than 1 (or not a number).</exception>
    public static RetryPolicy ExponentialDelay(TimeSpan initial, TimeSpan maximum, double factor = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, initial);
        if (!(factor >= 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "The growth factor must be at least 1.");
        return new RetryPolicy(initial, maximum, factor);
    }

    /// <summary>True when retries wait (so an event loop is needed).</summary>
    public bool HasDelay => _maximum > TimeSpan.Zero;

    /// <summary>The wait before retry number <paramref name="retry"/> (1 = the first retry, after the first failure).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retry"/> is less than 1.</exception>
    public TimeSpan DelayBeforeRetry(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        if (_factor <= 1) return _initial;
        // initial * factor^(retry-1), computed in ticks as a double so large exponents saturate at the cap instead of overflowing.
        double ticks = _initial.Ticks * Math.Pow(_factor, retry - 1);
        return ticks >= _maximum.Ticks ? _maximum : TimeSpan.FromTicks((long)ticks);
    }

    /// <inheritdoc />
    public bool Equals(RetryPolicy other) => _initial == other._initial && _maximum == other._maximum && _factor.Equals(other._factor);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RetryPolicy p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_initial, _maximum, _factor);

    /// <summary>Same policy.</summary>
    public static bool operator ==(RetryPolicy left, RetryPolicy right) => left.Equals(right);

    /// <summary>Different policies.</summary>
    public static bool operator !=(RetryPolicy left, RetryPolicy right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        !HasDelay ? "Immediate"
        : _factor <= 1 ? $"FixedDelay({_initial})"
        : $"ExponentialDelay({_initial}, max {_maximum}, x{_factor})";
}
