using System;
using System.Runtime.CompilerServices;

namespace CoSched.Bench.Floor;

/// <summary>The floor's condition variable: a FIFO of parked boxes; a signal with no waiter is lost (as CoCondition).</summary>
internal sealed class FloorCondition
{
    private readonly FloorWaitQueue _waiters = new();

    public FloorConditionWait Wait() => new(this);

    internal void Park(FloorBox box) => _waiters.Add(box);

    public void Signal()
    {
        if (_waiters.Count != 0) FloorScheduler.Current.Enqueue(_waiters.RemoveFirst());
    }
}

/// <summary>Awaiting <see cref="FloorCondition.Wait"/>: always parks.</summary>
internal readonly struct FloorConditionWait(FloorCondition condition) : ICriticalNotifyCompletion
{
    public FloorConditionWait GetAwaiter() => this;

    public bool IsCompleted => false;

    public void GetResult() { }

    internal void Park(FloorBox box) => condition.Park(box);

    /// <summary>Not used: the floor's builder parks the box itself.</summary>
    public void OnCompleted(Action continuation) => throw new NotSupportedException();

    /// <summary>Not used: the floor's builder parks the box itself.</summary>
    public void UnsafeOnCompleted(Action continuation) => throw new NotSupportedException();
}
