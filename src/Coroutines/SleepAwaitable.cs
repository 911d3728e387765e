using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>The await of <see cref="Co.Sleep"/>: parks the coroutine on a pooled timer of its event loop.</summary>
public readonly struct SleepAwaitable : ICriticalNotifyCompletion, ICoAwaiter<SleepAwaitable>
{
    private readonly Coroutine _co;
    private readonly IEventLoop _loop;
    private readonly TimeSpan _delay;

    internal SleepAwaitable(Coroutine co, IEventLoop loop, TimeSpan delay)
    {
        _co = co;
        _loop = loop;
        _delay = delay;
    }

    /// <summary>Gets the awaiter (itself).</summary>
    public SleepAwaitable GetAwaiter() => this;

    /// <summary>Always false (a sleep always suspends, even for zero); throws at once if the coroutine is being cancelled.</summary>
    public bool IsCompleted
    {
        get
        {
            _co.CheckCanPark(); // refusals here, not in the park, so the awaiting method's finally blocks run
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
    internal void ParkCo(object continuation) => _loop.ParkSleeper(_co, continuation, _delay);

    /// <summary>Ends the sleep; throws <see cref="CancelledException"/> if a cancel removed the timer first.</summary>
    public void GetResult()
    {
        if (_co.EndWait() == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
    }
}
