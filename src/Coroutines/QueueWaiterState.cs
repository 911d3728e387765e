namespace CoSched;

/// <summary>How a parked <see cref="QueueWaiter{T}"/> ended.</summary>
internal enum QueueWaiterState : byte
{
    /// <summary>Still waiting (or never parked).</summary>
    Pending,
    /// <summary>Reader: a value was handed over. Writer: its item was accepted.</summary>
    Done,
    /// <summary>The queue closed while it waited.</summary>
    Closed,
    /// <summary>An enumerator's CancellationToken fired while it waited.</summary>
    TokenCancelled,
}
