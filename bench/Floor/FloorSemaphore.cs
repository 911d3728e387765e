using System;
using System.Runtime.CompilerServices;

namespace CoSched.Bench.Floor;

/// <summary>
/// The floor's semaphore: a permit count and a FIFO of parked boxes, with the same hand-off rule as CoSemaphore (a
/// release hands its permit to the first waiter). No size check, no cancel, no thread check.
/// </summary>
internal sealed class FloorSemaphore(int permits)
{
    private readonly FloorWaitQueue _waiters = new();
    private int _available = permits;

    public FloorAcquire Acquire() => new(this);

    internal bool TryTake()
    {
        if (_available == 0) return false;
        _available--;
        return true;
    }

    internal void Park(FloorBox box) => _waiters.Add(box);

    public void Release()
    {
        if (_waiters.Count != 0) FloorScheduler.Current.Enqueue(_waiters.RemoveFirst());
        else _available++;
    }
}

/// <summary>Awaiting <see cref="FloorSemaphore.Acquire"/>: completes at once with a free permit, else parks.</summary>
internal readonly struct FloorAcquire(FloorSemaphore semaphore) : ICriticalNotifyCompletion
{
    public FloorAcquire GetAwaiter() => this;

    public bool IsCompleted => semaphore.TryTake();

    public void GetResult() { }

    internal void Park(FloorBox box) => semaphore.Park(box);

    /// <summary>Not used: the floor's builder parks the box itself.</summary>
    public void OnCompleted(Action continuation) => throw new NotSupportedException();

    /// <summary>Not used: the floor's builder parks the box itself.</summary>
    public void UnsafeOnCompleted(Action continuation) => throw new NotSupportedException();
}
