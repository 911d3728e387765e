using System.Collections.Generic;

namespace CoSched;

public sealed partial class Scheduler
{
    /// <summary>
    /// A snapshot of every live coroutine as a tree (parent/child by task group): name, state, spawn site and what it
    /// waits on. Costs nothing until called: the parent of a coroutine is derived from its owner (the group), and the
    /// spawn site was captured with caller-info attributes, not a stack trace.
    /// </summary>
    /// <exception cref="WrongThreadException">Called from another thread.</exception>
    public CoroutineTree DescribeCoroutines()
    {
        CheckThread();
        var nodes = new Dictionary<Coroutine, CoroutineInfo>(_liveCount, ReferenceEqualityComparer.Instance);
        for (Coroutine? co = _liveHead; co is not null; co = co.LiveNext)
        {
            BlockedCoroutine d = Describe(co);
            nodes.Add(co, new CoroutineInfo(d.Name, d.SpawnSite, d.State, d.WaitingOn));
        }
        var roots = new List<CoroutineInfo>();
        // The live list is in spawn order and a parent is spawned before its children, so children keep spawn order.
        for (Coroutine? co = _liveHead; co is not null; co = co.LiveNext)
        {
            CoroutineInfo node = nodes[co];
            if (co.Owner?.Parent is { } parent && nodes.TryGetValue(parent, out CoroutineInfo? parentNode)) parentNode.AddChild(node);
            else roots.Add(node);
        }
        return new CoroutineTree(roots, nodes.Count);
    }
}
