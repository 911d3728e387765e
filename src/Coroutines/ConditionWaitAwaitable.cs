using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>A pending <see cref="CoCondition.Wait"/> (its own awaiter). Await it once.</summary>
public readonly struct ConditionWaitAwaitable : ICriticalNotifyCompletion, ICoAwaiter<ConditionWaitAwaitable>
{
    private readonly CoCondition _condition;
    private readonly Coroutine _co;

    internal ConditionWaitAwaitable(CoCondition condition, Coroutine co)
    {
        _condition = condition;
        _co = co;
    }

    /// <summary>Gets the awaiter (itself).</summary>
    public ConditionWaitAwaitable GetAwaiter() => this;

    /// <summary>Always false (a wait always suspends); throws at once if the coroutine is being cancelled.</summary>
    public bool IsCompleted
    {
        get
        {
            _co.ThrowIfCancelled();
            return false;
        }
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
    internal void ParkCo(object continuation) => _condition.Park(_co, continuation);

    /// <summary>Returns once woken; throws <see cref="CancelledException"/> if cancelled before being woken.</summary>
    public void GetResult()
    {
        if (_co.EndWait() == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
    }
}
