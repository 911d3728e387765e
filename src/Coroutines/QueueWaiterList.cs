namespace CoSched;

/// <summary>
/// An intrusive FIFO of <see cref="QueueWaiter{T}"/> nodes (the queue's parked readers or writers): append, remove the
/// first, and remove any node in O(1), so a cancelled waiter leaves at once and nothing piles up.
/// </summary>
internal struct QueueWaiterList<T>
{
    private QueueWaiter<T>? _head;
    private QueueWaiter<T>? _tail;

    /// <summary>Number of nodes in the list.</summary>
    public int Count { get; private set; }

    /// <summary>The first node, or null.</summary>
    public readonly QueueWaiter<T>? First => _head;

    /// <summary>Appends a node.</summary>
    public void Add(QueueWaiter<T> node)
    {
        node.Prev = _tail;
        node.Next = null;
        if (_tail is null) _head = node; else _tail.Next = node;
        _tail = node;
        node.Linked = true;
        Count++;
    }

    /// <summary>Removes and returns the first node, or null.</summary>
    public QueueWaiter<T>? RemoveFirst()
    {
        QueueWaiter<T>? node = _head;
        if (node is not null) Remove(node);
        return node;
    }

    /// <summary>Removes a node that is in this list.</summary>
    public void Remove(QueueWaiter<T> node)
    {
        if (node.Prev is null) _head = node.Next; else node.Prev.Next = node.Next;
        if (node.Next is null) _tail = node.Prev; else node.Next.Prev = node.Prev;
        node.Next = null;
        node.Prev = null;
        node.Linked = false;
        Count--;
    }
}
