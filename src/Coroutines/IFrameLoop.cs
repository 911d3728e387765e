using System;

namespace CoSched;

/// <summary>
/// An event loop that counts frames (the game-loop host): what <c>Co.NextFrame()</c> and <c>Co.DelayFrames(n)</c> need.
/// Lives here because the static <see cref="Co"/> class cannot span assemblies; the host (CoSched.Host) implements it.
/// Called on the scheduler's thread only.
/// </summary>
internal interface IFrameLoop
{
    /// <summary>
    /// Parks <paramref name="co"/> until the tick <paramref name="frames"/> (>= 1) after the current one begins. A wait
    /// armed during tick N for one frame resumes in tick N + 1, never in tick N.
    /// </summary>
    void ParkForFrames(Coroutine co, object continuation, int frames);
}
