namespace CoSched;

/// <summary>
/// One parked reader or writer of a <see cref="CoQueue{T}"/>: the slot a hand-off writes the value into (reader), or
/// the item waiting to be accepted (writer). Nodes are pooled per queue (a free list through <see cref="Next"/>), so a
/// wait allocates nothing in steady state. The node is the coroutine's wait site: a cancel reaches the node directly
/// and unlinks it in O(1), and a deadlock report asks it what it waits on.
/// </summary>
internal sealed class QueueWaiter<T> : IWaitSite
{
    internal readonly CoQueue<T> Queue;
    internal Coroutine Co = null!;
    /// <summary>Reader: the handed value once <see cref="State"/> is Done. Writer: the item it puts.</summary>
    internal T Value = default!;
    internal QueueWaiterState State;
    internal bool IsWriter;
    /// <summary>True while in the queue's reader or writer list (i.e. not yet handed off, closed or cancelled).</summary>
    internal bool Linked;
    /// <summary>Bumped when the node returns to the pool: an awaiter holding an older value was already consumed.</summary>
    internal int Version;
    internal QueueWaiter<T>? Next;
    internal QueueWaiter<T>? Prev;

    internal QueueWaiter(CoQueue<T> queue) => Queue = queue;

    public bool TryCancelWait(Coroutine waiter) => Queue.TryCancel(this);

    public string Describe() => Queue.DescribeWait(IsWriter);
}
