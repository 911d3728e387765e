using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace CoSched;

/// <summary>
/// A snapshot of every live coroutine of a scheduler, returned by <see cref="Scheduler.DescribeCoroutines"/>. As a list
/// it holds every coroutine in spawn order; <see cref="Roots"/> arranges the same coroutines as a tree: top-level
/// coroutines are the roots, and a task group's children hang under the coroutine that opened the group.
/// </summary>
public sealed class CoroutineTree : IReadOnlyList<BlockedCoroutine>
{
    private readonly List<BlockedCoroutine> _all;

    internal CoroutineTree(List<BlockedCoroutine> all, IReadOnlyList<CoroutineNode> roots)
    {
        _all = all;
        Roots = roots;
    }

    /// <summary>The coroutines that have no live parent, in spawn order.</summary>
    public IReadOnlyList<CoroutineNode> Roots { get; }

    /// <summary>The number of live coroutines.</summary>
    public int Count => _all.Count;

    /// <summary>The <paramref name="index"/>-th live coroutine in spawn order.</summary>
    public BlockedCoroutine this[int index] => _all[index];

    /// <inheritdoc />
    public IEnumerator<BlockedCoroutine> GetEnumerator() => _all.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One line per coroutine, indented by depth.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (CoroutineNode r in Roots) r.Append(sb, 0);
        return sb.ToString();
    }
}
