using System;

namespace CoSched;

/// <summary>
/// Thrown at a suspension point of a coroutine that has been cancelled (and is not shielded).
/// Derives from <see cref="OperationCanceledException"/> so generic .NET code treats it as a cancellation.
/// </summary>
public sealed class CancelledException : OperationCanceledException
{
    /// <summary>Creates the exception with the standard message.</summary>
    public CancelledException()
        : base("The coroutine was cancelled; cancellation is delivered at its suspension points.") { }

    /// <summary>Creates the exception with a custom message.</summary>
    public CancelledException(string message) : base(message) { }
}
