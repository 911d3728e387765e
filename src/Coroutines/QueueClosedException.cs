using System;

namespace CoSched;

/// <summary>
/// Thrown by <see cref="CoQueue{T}"/> operations on a queue that was closed with <see cref="CoQueue{T}.Close"/> and no
/// error of its own: a put at any time after the close, a get once the buffered items are drained, and every reader or
/// writer that was waiting when the queue closed.
/// </summary>
public sealed class QueueClosedException : InvalidOperationException
{
    /// <summary>Creates the exception with the default message.</summary>
    public QueueClosedException()
        : base("The queue was closed: no further items can be put, and every buffered item has been read. " +
               "Stop reading when the queue closes (await foreach does), or check IsClosed before putting.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QueueClosedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public QueueClosedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
