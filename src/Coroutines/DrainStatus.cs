namespace CoSched;

/// <summary>Why <see cref="Scheduler.RunUntilIdle()"/> returned.</summary>
public enum DrainStatus
{
    /// <summary>Nothing is ready; coroutines wait on timers, foreign operations, leases or posts still to come.</summary>
    Idle,
    /// <summary>The main coroutine (or, without one, every coroutine) has ended and nothing is ready.</summary>
    Completed,
    /// <summary>The step or time budget ran out while work was still ready; call again to continue.</summary>
    BudgetExhausted,
    /// <summary>
    /// Coroutines are alive but all blocked on CoSched primitives, with no timer, no external wait, no feeder lease
    /// and no inbox item that could ever wake them. <see cref="DrainResult.Deadlock"/> has the report.
    /// </summary>
    Deadlock,
}
