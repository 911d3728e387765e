using System.Collections.Generic;

namespace CoSched;

public sealed partial class Scheduler
{
    /// <summary>
    /// A snapshot of every live coroutine: name, state, spawn site and what it waits on, as a list in spawn order and as
    /// a tree (<see cref="CoroutineTree.Roots"/>: a task group's children under the coroutine that opened it). Costs
    /// nothing until called: a coroutine's parent is derived from its owner (its group), and the spawn site was captured
    /// with caller-info attributes, not a stack trace.
    /// </summary>
    /// <exception cref="WrongThreadException">Called from another thread.</exception>
    public CoroutineTree DescribeCoroutines()
    {
        CheckThread();
        List<Coroutine> live = LiveInSpawnOrder();
        var all = new List<BlockedCoroutine>(live.Count);
        var nodes = new Dictionary<Coroutine, CoroutineNode>(live.Count, ReferenceEqualityComparer.Instance);
        foreach (Coroutine co in live)
        {
            BlockedCoroutine d = Describe(co);
            all.Add(d);
            nodes.Add(co, new CoroutineNode(d));
        }
        var roots = new List<CoroutineNode>();
        // The list is in spawn order and a parent is spawned before its children, so children keep spawn order.
        foreach (Coroutine co in live)
        {
            CoroutineNode node = nodes[co];
            if (co.Owner?.Parent is { } parent && nodes.TryGetValue(parent, out CoroutineNode? parentNode)) parentNode.AddChild(node);
            else roots.Add(node);
        }
        return new CoroutineTree(all, roots);
    }

    private DeadlockReport BuildDeadlockReport()
    {
        List<Coroutine> live = LiveInSpawnOrder();
        var list = new List<BlockedCoroutine>(live.Count);
        foreach (Coroutine co in live) list.Add(Describe(co));
        return new DeadlockReport(list);
    }

    /// <summary>The live coroutines in spawn order (diagnostics only: allocates and sorts).</summary>
    internal List<Coroutine> LiveInSpawnOrder()
    {
        var list = new List<Coroutine>(_liveCount);
        for (int i = 0; i < _liveTableCount; i++) list.Add(_live[i].Co!);
        for (int i = 0; i < _groupCount; i++) _groups[i].Group!.AddLiveChildren(list);
        list.Sort(static (a, b) => unchecked(a.SpawnSequence - b.SpawnSequence)); // by difference: right across a wrap
        return list;
    }

    private static BlockedCoroutine Describe(Coroutine co) =>
        new(co.Name ?? "unnamed",
            $"{System.IO.Path.GetFileName(co.SpawnFile) ?? "?"}:{co.SpawnLine}" + (co.SpawnMember is null ? "" : $" in {co.SpawnMember}"),
            co.State,
            co.Site?.Describe() ?? (co.Queued ? "nothing (ready)" : "an unfinished CoTask"));
}
