using System;

namespace CoSched;

/// <summary>
/// Thrown by <see cref="NativeEventLoop.Run(Func{CoTask}, string?, string?, string?, int)"/> when coroutines are alive
/// but none can ever be woken: nothing is ready, no timer is pending, no foreign await, offloaded work, inbox item or
/// feeder lease is outstanding. <see cref="Report"/> lists every blocked coroutine with its spawn site and what it waits on.
/// </summary>
public sealed class DeadlockException : Exception
{
    /// <summary>Creates the exception for <paramref name="report"/>; the message is the report's text.</summary>
    public DeadlockException(DeadlockReport report)
        : base((report ?? throw new ArgumentNullException(nameof(report))).ToString()) =>
        Report = report;

    /// <summary>The blocked coroutines: name, spawn site, state and what each waits on.</summary>
    public DeadlockReport Report { get; }
}
