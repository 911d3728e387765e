using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>Yields to the other ready coroutines: resumes in the next round. Returned by <see cref="Co.Pause"/>.</summary>
public readonly struct PauseAwaitable : ICriticalNotifyCompletion, ICoAwaiter<PauseAwaitable>
{
    private readonly Coroutine _co;

    internal PauseAwaitable(Coroutine co) => _co = co;

    /// <summary>Gets the awaiter (itself).</summary>
    public PauseAwaitable GetAwaiter() => this;

    /// <summary>Always false (a pause always yields); throws at once if the coroutine is being cancelled.</summary>
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

    /// <summary>Parks with a continuation that is a state-machine box or an Action (see <see cref="Resumable"/>), queued for the next round.</summary>
    internal void ParkCo(object continuation)
    {
        _co.ParkForPause(continuation);
    }

    /// <summary>Ends the pause; throws <see cref="CancelledException"/> if a cancel arrived meanwhile.</summary>
    public void GetResult() => _co.ThrowIfCancelled();
}
