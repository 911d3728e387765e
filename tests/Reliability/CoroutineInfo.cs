using System;
using CoSched;

namespace CoSched.Tests.Reliability;

/// <summary>What the interpreter knows about one coroutine of a random program.</summary>
internal sealed class CoroutineInfo(int id)
{
    public int Id { get; } = id;

    /// <summary>The name given at spawn: deadlock reports are checked against it.</summary>
    public string Name { get; } = "c" + id;

    /// <summary>The body of a Co.WithTimeout call (named by the library, not by the program).</summary>
    public bool IsTimeoutBody;

    /// <summary>The name deadlock reports and the coroutine tree show.</summary>
    public string ReportName => IsTimeoutBody ? "Co.WithTimeout body" : Name;

    public bool Spawned;
    public bool Started;
    public bool Ended;
    public bool NoWait;
    public bool AllowFailure;

    /// <summary>Null for group bodies (the group spawns them) and before the spawn.</summary>
    public CoroutineHandle? Handle;

    /// <summary>The group it is a child of (null for the top-level root): its handle is stale once that group is released.</summary>
    public GroupOutcomeModel? SpawnGroup;

    /// <summary>The group it has opened and is waiting for, if any.</summary>
    public GroupOutcomeModel? OpenGroup;

    /// <summary>The Co.WithTimeout call it is waiting in, if any.</summary>
    public TimeoutOutcomeModel? OpenTimeout;

    /// <summary>Semaphore permits it holds (released when it ends).</summary>
    public int Held;

    /// <summary>The state its handle must show once it has ended.</summary>
    public CoroutineState EndState;

    /// <summary>Its top-level body, for a spawned child, a group body or a timeout body (a <see cref="StrayCallOp"/> acts only there).</summary>
    public Op[]? TopBody;

    /// <summary>
    /// The end bookkeeping, deferred while a call made without await is still suspended: the library unwinds that call
    /// before the coroutine ends, and the call's finally block runs this in the coroutine's last step.
    /// </summary>
    public Action? FinishAfterStrayCall;
}
