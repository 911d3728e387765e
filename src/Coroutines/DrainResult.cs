using System;

namespace CoSched;

/// <summary>What one call of <see cref="Scheduler.RunUntilIdle()"/> did and why it stopped.</summary>
public readonly struct DrainResult
{
    internal DrainResult(DrainStatus status, int steps, int rounds, TimeSpan? nextDeadline, bool externalWaitsPending,
                         DeadlockReport? deadlock)
    {
        Status = status;
        Steps = steps;
        Rounds = rounds;
        NextDeadline = nextDeadline;
        ExternalWaitsPending = externalWaitsPending;
        Deadlock = deadlock;
    }

    /// <summary>Why the drain stopped.</summary>
    public DrainStatus Status { get; }

    /// <summary>Coroutine steps run.</summary>
    public int Steps { get; }

    /// <summary>Rounds started (a round resumes the coroutines that were ready when it began).</summary>
    public int Rounds { get; }

    /// <summary>The event loop's next timer deadline (on its clock), if any: when the host should come back.</summary>
    public TimeSpan? NextDeadline { get; }

    /// <summary>True while foreign awaits, offloaded work or feeder leases are outstanding: a post will come.</summary>
    public bool ExternalWaitsPending { get; }

    /// <summary>The report when <see cref="Status"/> is <see cref="DrainStatus.Deadlock"/>, else null.</summary>
    public DeadlockReport? Deadlock { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Status}: {Steps} steps in {Rounds} rounds" +
        (NextDeadline is { } d ? $", next deadline {d}" : "") + (ExternalWaitsPending ? ", external waits pending" : "");
}
