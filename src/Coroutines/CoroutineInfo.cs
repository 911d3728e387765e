using System.Collections.Generic;
using System.Text;

namespace CoSched;

/// <summary>
/// One live coroutine in a <see cref="CoroutineTree"/>: what <see cref="Scheduler.DescribeCoroutines"/> saw at the moment
/// it was called. A snapshot: it does not change afterwards.
/// </summary>
public sealed class CoroutineInfo
{
    private readonly List<CoroutineInfo> _children = new();

    internal CoroutineInfo(string name, string spawnSite, CoroutineState state, string waitingOn)
    {
        Name = name;
        SpawnSite = spawnSite;
        State = state;
        WaitingOn = waitingOn;
    }

    /// <summary>The name given at spawn, or "unnamed".</summary>
    public string Name { get; }

    /// <summary>Where it was spawned: "file:line in member" (from caller-info attributes, no stack trace).</summary>
    public string SpawnSite { get; }

    /// <summary>Its state.</summary>
    public CoroutineState State { get; }

    /// <summary>What it waits on (a primitive, a task group, a joined coroutine), or "nothing (ready)".</summary>
    public string WaitingOn { get; }

    /// <summary>The coroutine it belongs to: for a task group's children, the coroutine that opened the group; null for a root.</summary>
    public CoroutineInfo? Parent { get; private set; }

    /// <summary>Its live children (the children of the task groups it has opened), in spawn order.</summary>
    public IReadOnlyList<CoroutineInfo> Children => _children;

    internal void AddChild(CoroutineInfo child)
    {
        child.Parent = this;
        _children.Add(child);
    }

    /// <summary>"'name' [State] spawned at site, waits on ...".</summary>
    public override string ToString() => $"'{Name}' [{State}] spawned at {SpawnSite}, waits on {WaitingOn}";

    internal void Append(StringBuilder sb, int depth)
    {
        sb.Append(' ', depth * 2).Append(ToString()).AppendLine();
        foreach (CoroutineInfo c in _children) c.Append(sb, depth + 1);
    }
}
