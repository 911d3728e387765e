namespace CoSched.Tests.Reliability;

/// <summary>
/// Library bugs the reliability suite found and reported (see docs/reliability.md). Each has a skipped test in
/// <see cref="KnownBugTests"/> stating the behaviour believed right; where the random programs would hit it, their model
/// tolerates the wrong outcome while the flag is set, and counts the hits. When a bug is fixed: unskip its test and set
/// the flag to false.
/// </summary>
internal static class KnownBugs
{
    /// <summary>
    /// Co.WithTimeout: when the caller's cancellation reaches the call while the body still runs, and the body then
    /// fails with a real error before the caller resumes, the call throws CancelledException and the body's error is lost
    /// (had the body failed after the caller resumed, the error would replace the cancellation).
    /// </summary>
    public const bool TimeoutDropsBodyFailureAfterCallerCancel = false; // fixed in TimeoutScope.Run

    // Not needing a flag (no random program reads them from another thread): CoLazy.IsValueCreated, StartCount,
    // TryGetValue, CoTimer.Duration, EventLoopBase.NextDeadline and HasPendingTimers skip the thread check (see
    // KnownBugTests.Members_reading_scheduler_state_refuse_other_threads_too).
}
