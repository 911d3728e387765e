using System;

namespace CoSched;

/// <summary>
/// Thrown by <c>Co.NextFrame()</c> and <c>Co.DelayFrames(n)</c> on a scheduler that is not driven by a game-loop host
/// (frames exist only where a host ticks them). Run the coroutines under <c>GameLoopHost</c> (CoSched.Host), or wait on
/// time instead (<c>Co.Sleep</c>) or yield (<c>Co.Pause()</c>).
/// </summary>
public sealed class FrameHostRequiredException : NotSupportedException
{
    /// <summary>Creates the exception for the named call.</summary>
    public FrameHostRequiredException(string call)
        : base($"{call} needs a game-loop host: frames only exist where a host ticks them, and this scheduler is not " +
               "driven by one. Create the scheduler's loop with new GameLoopHost(...) (CoSched.Host) and call host.Tick(...) " +
               "once per frame, or use Co.Sleep(...) / Co.Pause() instead.") { }
}
