using System;
using System.Runtime.CompilerServices;

namespace CoSched;

/// <summary>The await of <see cref="Co.NextFrame"/> and <see cref="Co.DelayFrames"/>: parks the coroutine until a later tick of its game-loop host.</summary>
public readonly struct FrameAwaitable : ICriticalNotifyCompletion, ICoAwaiter<FrameAwaitable>
{
    private readonly Coroutine _co;
    private readonly IFrameLoop _loop;
    private readonly int _frames;

    internal FrameAwaitable(Coroutine co, IFrameLoop loop, int frames)
    {
        _co = co;
        _loop = loop;
        _frames = frames;
    }

    /// <summary>Gets the awaiter (itself).</summary>
    public FrameAwaitable GetAwaiter() => this;

    /// <summary>True only for zero frames; otherwise false, after throwing at once if the coroutine is being cancelled.</summary>
    public bool IsCompleted
    {
        get
        {
            if (_frames == 0)
            {
                _co.CheckCanCompleteAtOnce();
                return true;
            }
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
    internal void ParkCo(object continuation) => _loop.ParkForFrames(_co, continuation, _frames);

    /// <summary>Ends the wait; throws <see cref="CancelledException"/> if a cancel ended it first.</summary>
    public void GetResult()
    {
        if (_co.EndWait() == WaitOutcome.Cancelled) Coroutine.ThrowCancelled();
    }
}
