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
            _co.CheckCanPark(); // refusals here, not in the park, so the awaiting method's finally blocks run
            _co.ThrowIfCancelled();
            return false;
        }
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation)
    {
        _co.CheckCanPark(); // a .NET builder or a hand-driven awaiter: check again (see ParkCo)
        _co.ParkForPauseVerified(continuation);
    }

    void ICoAwaiter.ParkCo(object continuation) => ParkCo(continuation);

    /// <summary>
    /// The CoTask builder's park, with a continuation that is a state-machine box (see <see cref="Resumable"/>), queued
    /// for the next round. No checks here: the compiler calls <see cref="IsCompleted"/>, which made them, just before,
    /// with nothing in between (see <see cref="Coroutine.CheckCanPark"/>).
    /// </summary>
    internal void ParkCo(object continuation) => _co.ParkForPauseVerified(continuation);

    /// <summary>Ends the pause; throws <see cref="CancelledException"/> if a cancel arrived meanwhile.</summary>
    public void GetResult() => _co.ThrowIfCancelled();
}
