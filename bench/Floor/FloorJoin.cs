using System;
using System.Runtime.CompilerServices;

namespace CoSched.Bench.Floor;

/// <summary>
/// The floor's join: a count of children still running and the one box waiting for it to reach zero. A floor child
/// reports its own end (<see cref="Done"/>): the floor has no completion signalling, no results and no errors.
/// </summary>
internal sealed class FloorJoin
{
    private int _remaining;
    private FloorBox? _waiter;

    internal int Remaining => _remaining;

    internal void Reset(int children) => _remaining = children;

    public FloorJoinWait Wait() => new(this);

    internal void Park(FloorBox box) => _waiter = box;

    public void Done()
    {
        if (--_remaining == 0 && _waiter is { } waiter)
        {
            _waiter = null;
            FloorScheduler.Current.Enqueue(waiter);
        }
    }
}

/// <summary>Awaiting <see cref="FloorJoin.Wait"/>: completes at once when no child is left, else parks.</summary>
internal readonly struct FloorJoinWait(FloorJoin join) : ICriticalNotifyCompletion
{
    public FloorJoinWait GetAwaiter() => this;

    public bool IsCompleted => join.Remaining == 0;

    public void GetResult() { }

    internal void Park(FloorBox box) => join.Park(box);

    /// <summary>Not used: the floor's builder parks the box itself.</summary>
    public void OnCompleted(Action continuation) => throw new NotSupportedException();

    /// <summary>Not used: the floor's builder parks the box itself.</summary>
    public void UnsafeOnCompleted(Action continuation) => throw new NotSupportedException();
}
