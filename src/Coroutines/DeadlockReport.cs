using System.Collections.Generic;
using System.Text;

namespace CoSched;

/// <summary>One blocked coroutine in a <see cref="DeadlockReport"/>.</summary>
public sealed record BlockedCoroutine(string Name, string SpawnSite, CoroutineState State, string WaitingOn);

/// <summary>Every live coroutine at the moment no coroutine could ever be woken again.</summary>
public sealed class DeadlockReport
{
    internal DeadlockReport(IReadOnlyList<BlockedCoroutine> coroutines) => Coroutines = coroutines;

    /// <summary>The blocked coroutines, in spawn order.</summary>
    public IReadOnlyList<BlockedCoroutine> Coroutines { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Deadlock: ").Append(Coroutines.Count).Append(" coroutine(s) are blocked and nothing can wake them ")
          .Append("(no ready work, no timer, no external wait, no feeder lease, no posted item):");
        foreach (BlockedCoroutine c in Coroutines)
            sb.AppendLine().Append("  '").Append(c.Name).Append("' spawned at ").Append(c.SpawnSite)
              .Append(" waits on ").Append(c.WaitingOn);
        return sb.ToString();
    }
}
