using System;

namespace CoSched;

public static partial class Co
{
    /// <summary>
    /// Suspends the calling coroutine until the next tick of its game-loop host: a coroutine that calls it during tick N
    /// resumes in tick N + 1, never in the same tick (however many rounds tick N still runs). Cancellable.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    /// <exception cref="FrameHostRequiredException">The scheduler is not driven by a game-loop host.</exception>
    /// <exception cref="CancelledException">The coroutine is being cancelled (at the await).</exception>
    public static FrameAwaitable NextFrame() => Frames("Co.NextFrame()", 1);

    /// <summary>
    /// Suspends the calling coroutine for <paramref name="frames"/> ticks of its game-loop host: called during tick N, it
    /// resumes in tick N + <paramref name="frames"/>. Zero completes at once without suspending. Cancellable.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frames"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called outside any coroutine.</exception>
    /// <exception cref="FrameHostRequiredException">The scheduler is not driven by a game-loop host.</exception>
    /// <exception cref="CancelledException">The coroutine is being cancelled (at the await).</exception>
    public static FrameAwaitable DelayFrames(int frames)
    {
        if (frames < 0)
            throw new ArgumentOutOfRangeException(nameof(frames), frames,
                "Co.DelayFrames needs a frame count >= 0 (1 is the next tick, like Co.NextFrame()).");
        return Frames("Co.DelayFrames", frames);
    }

    private static FrameAwaitable Frames(string what, int frames)
    {
        Coroutine co = CurrentCoroutine(what);
        IFrameLoop loop = co.Scheduler.EventLoop as IFrameLoop ?? throw new FrameHostRequiredException(what);
        return new FrameAwaitable(co, loop, frames);
    }
}
