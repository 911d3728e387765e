using System.Collections.Generic;
using System.Text;

namespace CoSched;

/// <summary>
/// One live coroutine in a <see cref="CoroutineTree"/>, with its place in the tree. A snapshot taken by
/// <see cref="Scheduler.DescribeCoroutines"/>: it does not change afterwards.
/// </summary>
public sealed class CoroutineNode
{
    private readonly List<CoroutineNode> _children = new();

    internal CoroutineNode(BlockedCoroutine coroutine) => Coroutine = coroutine;

    /// <summary>Its name ("unnamed" if none was given), spawn site, state and what it waits on.</summary>
    public BlockedCoroutine Coroutine { get; }

    /// <summary>The coroutine it belongs to: for a task group's child, the coroutine that opened the group; null for a root.</summary>
    public CoroutineNode? Parent { get; private set; }

    /// <summary>Its live children (the children of the task groups it has opened), in spawn order.</summary>
    public IReadOnlyList<CoroutineNode> Children => _children;

    internal void AddChild(CoroutineNode child)
    {
        child.Parent = this;
        _children.Add(child);
    }

    /// <summary>"'name' [State] spawned at site, waits on ...".</summary>
    public override string ToString() =>
        $"'{Coroutine.Name}' [{Coroutine.State}] spawned at {Coroutine.SpawnSite}, waits on {Coroutine.WaitingOn}";

    internal void Append(StringBuilder sb, int depth)
    {
        sb.Append(' ', depth * 2).Append(ToString()).AppendLine();
        foreach (CoroutineNode c in _children) c.Append(sb, depth + 1);
    }
}
