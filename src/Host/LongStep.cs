using System;
using System.IO;

namespace CoSched.Host;

/// <summary>
/// One coroutine step that ran at least the host's long-step threshold: which coroutine (its name and spawn site) and
/// how long, so a game can find the coroutine that hitched a frame. A step is never preempted, so one slow step can
/// overrun a time-slice budget; this is how to find it.
/// </summary>
public sealed class LongStep
{
    internal LongStep(string? name, string? file, int line, string? member, TimeSpan duration, long frame)
    {
        Name = name ?? "unnamed";
        SpawnFile = file;
        SpawnLine = line;
        SpawnMember = member;
        Duration = duration;
        Frame = frame;
    }

    /// <summary>The coroutine's name ("unnamed" if it was spawned without one).</summary>
    public string Name { get; }

    /// <summary>The source file of the spawn call, if known.</summary>
    public string? SpawnFile { get; }

    /// <summary>The line of the spawn call.</summary>
    public int SpawnLine { get; }

    /// <summary>The member that made the spawn call, if known.</summary>
    public string? SpawnMember { get; }

    /// <summary>The spawn site as <c>file:line in member</c>.</summary>
    public string SpawnSite => $"{Path.GetFileName(SpawnFile) ?? "?"}:{SpawnLine}" + (SpawnMember is null ? "" : $" in {SpawnMember}");

    /// <summary>How long the step ran (wall clock).</summary>
    public TimeSpan Duration { get; }

    /// <summary>The tick it ran in (<see cref="GameLoopHost.Frame"/>).</summary>
    public long Frame { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"long step in tick {Frame}: coroutine '{Name}' (spawned at {SpawnSite}) ran {Duration.TotalMilliseconds:0.###} ms";
}
