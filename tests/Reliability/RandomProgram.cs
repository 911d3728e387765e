using System;
using System.Collections.Generic;
using System.Text;
using CoSched;

namespace CoSched.Tests.Reliability;

/// <summary>
/// A random whole-system program: a tree of coroutine bodies (straight-line lists of operations) run under one root
/// task group, a few shared primitives, and a host script that drives the scheduler step by step and acts from outside
/// the coroutines between drains. Coroutine, defer and error ids are fixed when the program is generated, so dropping
/// operations while shrinking keeps every remaining reference meaningful (a cancel of a coroutine that is never
/// spawned does nothing).
/// </summary>
internal sealed record RandomProgram(int Seed, QueueSpec[] Queues, int SemaphoreSize, Op[] Root, HostStep[] Host, Op[][] Lazies,
                                     int TimerDueMs)
{
    /// <summary>The root coroutine (a top-level spawn) opens the root group; its body is coroutine 1.</summary>
    public const int RootId = 0;
    public const int RootBodyId = 1;

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("program seed ").Append(Seed).Append(": queues ");
        for (int i = 0; i < Queues.Length; i++)
            sb.Append(i == 0 ? "" : ", ").Append('q').Append(i).Append(' ').Append(Queues[i]);
        sb.Append("; semaphore of ").Append(SemaphoreSize).AppendLine(" (all free); one condition");
        if (TimerDueMs >= 0) sb.Append("one CoTimer, armed at the start, due in ").Append(TimerDueMs).AppendLine(" ms");
        for (int i = 0; i < Lazies.Length; i++)
        {
            sb.Append("lazy").Append(i).AppendLine(": a CoLazy whose initializer does (then returns a value):");
            Print(sb, Lazies[i], 1);
        }
        sb.AppendLine("c0 (top-level) opens group c1, whose body c1 does:");
        Print(sb, Root, 1);
        if (Host.Length > 0)
        {
            sb.AppendLine("host script (outside any coroutine):");
            foreach (HostStep h in Host)
                sb.Append("  RunUntilIdle(Steps(").Append(h.Steps).Append("))")
                  .Append(h.Action is null ? "" : ", then " + h.Action.Describe()).AppendLine();
        }
        sb.Append("then drain to the end, jumping virtual time to each next timer; on deadlock let the host feed waiters, else cancel c0 and drain again.");
        return sb.ToString();
    }

    internal static void Print(StringBuilder sb, Op[] ops, int depth)
    {
        if (ops.Length == 0) sb.Append(' ', depth * 2).AppendLine("(nothing)");
        foreach (Op op in ops)
        {
            sb.Append(' ', depth * 2).AppendLine(op.Describe());
            if (op.Children is { } body) Print(sb, body, depth + 1);
        }
    }

    /// <summary>Number of operations, host steps included (what shrinking reduces).</summary>
    public int Size
    {
        get
        {
            int n = Host.Length;
            Count(Root, ref n);
            foreach (Op[] body in Lazies) Count(body, ref n);
            return n;

            static void Count(Op[] ops, ref int n)
            {
                foreach (Op op in ops)
                {
                    n++;
                    if (op.Children is { } body) Count(body, ref n);
                }
            }
        }
    }

    /// <summary>Every coroutine id (spawned children and group bodies) in the tree.</summary>
    public IEnumerable<int> CoroutineIds()
    {
        yield return RootId;
        yield return RootBodyId;
        var stack = new Stack<Op[]>();
        stack.Push(Root);
        while (stack.Count > 0)
        {
            foreach (Op op in stack.Pop())
            {
                if (op is SpawnOp s) yield return s.Id;
                else if (op is GroupOp g) yield return g.Id;
                else if (op is TimeoutOp t) yield return t.Id;
                if (op.Children is { } body) stack.Push(body);
            }
        }
    }
}

/// <summary>A queue of the program: a kind and a capacity.</summary>
internal sealed record QueueSpec(QueueKind Kind, int Capacity)
{
    public override string ToString() => Kind == QueueKind.Unbounded ? "Unbounded" : $"{Kind}({Capacity})";
}

/// <summary>One host step: drain at most <see cref="Steps"/> coroutine steps, then do <see cref="Action"/> (if any).</summary>
internal sealed record HostStep(int Steps, Op? Action);

/// <summary>An operation of a coroutine body (or, for some kinds, of the host script).</summary>
internal abstract record Op
{
    /// <summary>The nested body, for operations that have one.</summary>
    public virtual Op[]? Children => null;

    public abstract string Describe();

    /// <summary>The same operation with another nested body (used by the shrinker).</summary>
    public virtual Op WithChildren(Op[] children) => this;
}

internal sealed record PauseOp : Op
{
    public override string Describe() => "pause";
}

/// <summary>Spawns coroutine <see cref="Id"/> into the group the current coroutine belongs to.</summary>
internal sealed record SpawnOp(int Id, Op[] Body, bool NoWait, bool AllowFailure) : Op
{
    public override Op[]? Children => Body;
    public override Op WithChildren(Op[] children) => this with { Body = children };
    public override string Describe() =>
        $"spawn c{Id}" + (NoWait ? " noWait" : "") + (AllowFailure ? " allowFailure" : "") + ":";
}

/// <summary>Opens a nested task group whose body is coroutine <see cref="Id"/>; <see cref="Catch"/> swallows its error.</summary>
internal sealed record GroupOp(int Id, Op[] Body, bool Catch) : Op
{
    public override Op[]? Children => Body;
    public override Op WithChildren(Op[] children) => this with { Body = children };
    public override string Describe() => $"group c{Id}" + (Catch ? " (catch its error)" : "") + ":";
}

/// <summary>Cancels coroutine <see cref="Target"/> through its handle (nothing if it was never spawned).</summary>
internal sealed record CancelOp(int Target) : Op
{
    public override string Describe() => $"cancel c{Target}";
}

internal sealed record PutOp(int Queue) : Op
{
    public override string Describe() => $"await q{Queue}.Put(next item)";
}

internal sealed record TryPutOp(int Queue) : Op
{
    public override string Describe() => $"q{Queue}.TryPut(next item)";
}

internal sealed record GetOp(int Queue) : Op
{
    public override string Describe() => $"await q{Queue}.Get()";
}

internal sealed record TryGetOp(int Queue) : Op
{
    public override string Describe() => $"q{Queue}.TryGet()";
}

internal sealed record CloseOp(int Queue, bool Clear, bool WithError) : Op
{
    public override string Describe() => $"q{Queue}.Close(error: {(WithError ? "yes" : "no")}, clear: {Clear})";
}

internal sealed record AcquireOp : Op
{
    public override string Describe() => "await semaphore.Acquire()";
}

internal sealed record TryAcquireOp : Op
{
    public override string Describe() => "semaphore.TryAcquire()";
}

/// <summary>Releases one permit this coroutine holds (nothing if it holds none).</summary>
internal sealed record ReleaseOp : Op
{
    public override string Describe() => "semaphore.Release() if holding";
}

internal sealed record WaitOp : Op
{
    public override string Describe() => "await condition.Wait()";
}

internal sealed record SignalOp(bool Broadcast) : Op
{
    public override string Describe() => Broadcast ? "condition.Broadcast()" : "condition.Signal()";
}

/// <summary>Adds defer <see cref="Id"/> to the current coroutine's group; an async one pauses first.</summary>
internal sealed record DeferOp(int Id, bool Async, bool Throws) : Op
{
    public override string Describe() =>
        $"defer d{Id}" + (Async ? " (async: pause first)" : "") + (Throws ? " then throw E" + Id : "");
}

internal sealed record ThrowOp(int Id) : Op
{
    public override string Describe() => $"throw E{Id}";
}

/// <summary>Runs the nested operations and swallows whatever they throw.</summary>
internal sealed record CatchOp(Op[] Body) : Op
{
    public override Op[]? Children => Body;
    public override Op WithChildren(Op[] children) => this with { Body = children };
    public override string Describe() => "try (swallow any exception):";
}

/// <summary>
/// Pauses <see cref="Pauses"/> times, then sleeps <see cref="SleepMs"/> (if not 0) inside Co.ProtectFromCancel. Only
/// pauses and sleeps, which always end: a shielded wait on a primitive could block forever.
/// </summary>
internal sealed record ShieldOp(int Pauses, int SleepMs) : Op
{
    public override string Describe() =>
        $"ProtectFromCancel({Pauses} pause(s)" + (SleepMs > 0 ? $", then Co.Sleep({SleepMs} ms)" : "") + ")";
}

/// <summary>Sleeps on the virtual clock.</summary>
internal sealed record SleepOp(int Ms) : Op
{
    public override string Describe() => $"await Co.Sleep({Ms} ms)";
}

/// <summary>
/// Runs the nested operations as coroutine <see cref="Id"/> (the body of Co.WithTimeout, or WithTimeoutOrDefault);
/// <see cref="Ms"/> -1 is an infinite timeout. <see cref="Catch"/> swallows what the call throws.
/// </summary>
internal sealed record TimeoutOp(int Id, int Ms, Op[] Body, bool Catch, bool OrDefault) : Op
{
    public override Op[]? Children => Body;
    public override Op WithChildren(Op[] children) => this with { Body = children };
    public override string Describe() =>
        $"{(OrDefault ? "WithTimeoutOrDefault" : "WithTimeout")}({(Ms < 0 ? "infinite" : Ms + " ms")}) body c{Id}" +
        (Catch ? " (catch its error)" : "") + ":";
}

/// <summary>
/// Calls a CoTask method running <see cref="Body"/> without awaiting it (a misuse), as the last operation of a spawned
/// child's body. If the call suspends, the library cancels and unwinds it before the child ends, and the child fails
/// (docs/concurrency.md rule 12). Anywhere else (after shrinking) it does nothing.
/// </summary>
internal sealed record StrayCallOp(Op[] Body) : Op
{
    public override Op[]? Children => Body;
    public override Op WithChildren(Op[] children) => this with { Body = children };
    public override string Describe() => "call without await:";
}

/// <summary>
/// Awaits foreign operation <see cref="Id"/>: a .NET Task (a TaskCompletionSource's) that the host or a coroutine
/// completes (<see cref="CompleteForeignOp"/>), standing for IO. Ids are unique to an operation of the program, so only
/// the runs of a lazy value's initializer await one more than once (each gets its outcome). With
/// <see cref="ObservesToken"/> the operation is cancelled through the coroutine's Co.CancellationToken, as .NET IO is.
/// </summary>
internal sealed record ForeignAwaitOp(int Id, bool ObservesToken) : Op
{
    public override string Describe() =>
        $"await foreign operation f{Id} (a .NET Task" + (ObservesToken ? ", cancelled by Co.CancellationToken)" : ")");
}

/// <summary>Completes foreign operation <see cref="Id"/> (with a value, or with an error when <see cref="Fail"/>), if not yet completed.</summary>
internal sealed record CompleteForeignOp(int Id, bool Fail) : Op
{
    public override string Describe() => $"complete f{Id}" + (Fail ? " with an error" : " with a value");
}

/// <summary>A host step only: moves virtual time forward, firing timers and draining on the way (VirtualEventLoop.AdvanceBy).</summary>
internal sealed record AdvanceOp(int Ms) : Op
{
    public override string Describe() => $"advance the virtual clock by {Ms} ms";
}

/// <summary>The error a program throws on purpose (never an OperationCanceledException).</summary>
internal sealed class ProgramError(int id) : Exception($"E{id}")
{
    public int Id { get; } = id;
}

/// <summary>
/// Awaits lazy value <see cref="Lazy"/> (a <see cref="CoLazy{T}"/>): the first waiter starts its initializer (a
/// coroutine of its own, running the program's initializer body); every waiter gets the value or error of the run that
/// settles it; if every waiter is cancelled first, the run is cancelled and its outcome dropped.
/// </summary>
internal sealed record LazyWaitOp(int Lazy) : Op
{
    public override string Describe() => $"await lazy{Lazy}.Wait()";
}

/// <summary>Awaits the program's <see cref="CoTimer"/>: true if a firing released the wait, false if a cancel did.</summary>
internal sealed record TimerWaitOp : Op
{
    public override string Describe() => "await timer.Wait()";
}

/// <summary>Re-arms the timer to fire in <see cref="Ms"/> (whatever its state; its waiters keep waiting).</summary>
internal sealed record TimerResetOp(int Ms) : Op
{
    public override string Describe() => $"timer.Reset({Ms} ms)";
}

/// <summary>Cancels the timer (its waiters get false; nothing if it is not armed).</summary>
internal sealed record TimerCancelOp : Op
{
    public override string Describe() => "timer.Cancel()";
}

/// <summary>The error a foreign operation of the program fails with.</summary>
internal sealed class ProgramForeignError(int id) : Exception($"foreign operation f{id} failed");

/// <summary>The error a program closes a queue with.</summary>
internal sealed class ProgramCloseError() : Exception("queue closed by the program with an error");
