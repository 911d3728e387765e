namespace CoSched;

/// <summary>What a <see cref="CoQueue{T}"/> does when a writer puts an item and no reader is waiting.</summary>
public enum QueueKind
{
    /// <summary>The item is always buffered; <c>Put</c> never waits. The buffer grows and never shrinks.</summary>
    Unbounded,

    /// <summary>
    /// The item is buffered while fewer than <see cref="CoQueue{T}.Capacity"/> items are buffered; otherwise the writer
    /// waits (FIFO) until a reader makes room. Capacity 0 is a rendezvous: every <c>Put</c> waits for a reader.
    /// </summary>
    Blocking,

    /// <summary>When the buffer is full, the oldest buffered item is dropped to make room; <c>Put</c> never waits.</summary>
    DiscardOldest,

    /// <summary>When the buffer is full, the new item is dropped; <c>Put</c> never waits.</summary>
    DiscardLatest,
}
