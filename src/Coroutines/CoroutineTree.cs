using System.Collections.Generic;
using System.Text;

namespace CoSched;

/// <summary>
/// A snapshot of every live coroutine of a scheduler as a tree: top-level coroutines are the roots; the children of a
/// task group hang under the coroutine that opened it. Returned by <see cref="Scheduler.DescribeCoroutines"/>.
/// </summary>
public sealed class CoroutineTree
{
    internal CoroutineTree(IReadOnlyList<CoroutineInfo> roots, int count)
    {
        Roots = roots;
        Count = count;
    }

    /// <summary>The coroutines that have no live parent, in spawn order.</summary>
    public IReadOnlyList<CoroutineInfo> Roots { get; }

    /// <summary>The number of coroutines in the tree.</summary>
    public int Count { get; }

    /// <summary>One line per coroutine, indented by depth.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (CoroutineInfo r in Roots) r.Append(sb, 0);
        return sb.ToString();
    }
}
