using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>The await of <see cref="CoTimer.Wait"/>: true when the timer fired, false when it was cancelled.</summary>
public readonly struct CoTimerAwaitable : ICriticalNotifyCompletion, ICoAwaiter<CoTimerAwaitable>
{
    private readonly CoTimer _timer;
    private readonly Coroutine _waiter;

    internal CoTimerAwaitable(CoTimer timer, Coroutine waiter)
    {
        _timer = timer;
        _waiter = waiter;
    }

    /// <summary>Gets the awaiter (itself).</summary>
    public CoTimerAwaitable GetAwaiter() => this;

    /// <summary>True when the timer is not armed (fired or cancelled); throws if the waiter is being cancelled.</summary>
    public bool IsCompleted
    {
        get
        {
            if (_timer.IsSettled)
            {
                _waiter.CheckCanCompleteAtOnce();
                return true;
            }
            _waiter.CheckCanPark(); // refusals here, not in the park, so the awaiting method's finally blocks run
            _waiter.ThrowIfCancelled();
            return false;
        }
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => ParkCo(continuation);

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>).</summary>
    internal void ParkCo(object continuation) => _timer.AddWaiter(_waiter, continuation);

    /// <summary>True if the timer fired, false if it was cancelled; throws <see cref="CancelledException"/> if the wait was cancelled.</summary>
    public bool GetResult() => _waiter.EndWait() switch
    {
        WaitOutcome.Cancelled => ThrowCancelled(),
        WaitOutcome.Signaled => _waiter.HandOffTag == 1, // what released it, whatever the timer did since
        _ => _timer.HasFired,
    };

    private static bool ThrowCancelled()
    {
        Coroutine.ThrowCancelled();
        return false;
    }
}
