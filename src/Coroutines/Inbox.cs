using System;
using System.Threading;

namespace CoSched;

/// <summary>One posted piece of work.</summary>
internal struct InboxItem
{
    /// <summary>A plain action (Post), or the continuation of a coroutine's foreign await (an Action or a <see cref="Resumable"/>).</summary>
    public object? Continuation;
    /// <summary>A SynchronizationContext callback and its state.</summary>
    public SendOrPostCallback? Callback;
    /// <summary>The callback's state; for a foreign resume, the ExecutionContext of the awaiting frame (null: default).</summary>
    public object? State;
    /// <summary>For a foreign resume: the coroutine to resume.</summary>
    public Coroutine? Coroutine;
    /// <summary>The coroutine record's version when the wait began (records are pooled).</summary>
    public int Version;
    /// <summary>A foreign resume already put back once because its coroutine was queued to step (it is not put back again).</summary>
    public bool Deferred;
}

/// <summary>
/// The only thread-safe part of a scheduler. Producers append under a lock into one array; the scheduler swaps it for
/// a spare one and runs the batch outside the lock. Both arrays are kept, so a steady flow of posts allocates nothing.
/// </summary>
internal sealed class Inbox
{
    private readonly Lock _lock = new();
    private InboxItem[] _items = new InboxItem[16];
    private InboxItem[] _spare = new InboxItem[16];
    private int _count;

    /// <summary>True when something is waiting; a racy read is fine (a late item is seen next round or raises WorkAvailable).</summary>
    public bool HasItems => Volatile.Read(ref _count) != 0;

    public void Add(in InboxItem item)
    {
        lock (_lock)
        {
            if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
            _items[_count] = item;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>Takes every queued item; the caller processes <paramref name="batch"/>[0..count) and then calls <see cref="Return"/>.</summary>
    public int TakeAll(out InboxItem[] batch)
    {
        lock (_lock)
        {
            batch = _items;
            int n = _count;
            _items = _spare.Length >= 16 ? _spare : new InboxItem[16];
            _spare = Array.Empty<InboxItem>();
            Volatile.Write(ref _count, 0);
            return n;
        }
    }

    /// <summary>Gives a processed batch back to be reused as the spare buffer.</summary>
    public void Return(InboxItem[] batch, int count)
    {
        Array.Clear(batch, 0, count);
        lock (_lock)
        {
            if (batch.Length > _spare.Length) _spare = batch;
        }
    }
}
